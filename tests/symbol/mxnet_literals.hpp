// The literal JSON of MXNET-REFERENCE.md §1.6 (a)-(f): exact bytes MXNet 1.9.1 writes.
// Generated from the reference document; the tests compare to_json() with them byte for byte.
#pragma once

namespace xsym_test::mxnet_literal {
inline constexpr const char* e = R"json({
  "nodes": [
    {
      "op": "null", 
      "name": "A", 
      "inputs": []
    }, 
    {
      "op": "null", 
      "name": "B", 
      "inputs": []
    }, 
    {
      "op": "elemwise_mul", 
      "name": "_mul0", 
      "inputs": [[0, 0, 0], [1, 0, 0]]
    }, 
    {
      "op": "null", 
      "name": "C", 
      "inputs": []
    }, 
    {
      "op": "null", 
      "name": "D", 
      "inputs": []
    }, 
    {
      "op": "elemwise_mul", 
      "name": "_mul1", 
      "inputs": [[3, 0, 0], [4, 0, 0]]
    }, 
    {
      "op": "elemwise_add", 
      "name": "_plus0", 
      "inputs": [[2, 0, 0], [5, 0, 0]]
    }
  ], 
  "arg_nodes": [0, 1, 3, 4], 
  "node_row_ptr": [0, 1, 2, 3, 4, 5, 6, 7], 
  "heads": [[6, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10901]}
})json";
inline constexpr const char* plus_scalar_mul = R"json({
  "nodes": [
    {
      "op": "null", 
      "name": "A", 
      "inputs": []
    }, 
    {
      "op": "_plus_scalar", 
      "name": "_plusscalar0", 
      "attrs": {"scalar": "1.5"}, 
      "inputs": [[0, 0, 0]]
    }, 
    {
      "op": "null", 
      "name": "B", 
      "inputs": []
    }, 
    {
      "op": "elemwise_mul", 
      "name": "_mul0", 
      "inputs": [[1, 0, 0], [2, 0, 0]]
    }
  ], 
  "arg_nodes": [0, 2], 
  "node_row_ptr": [0, 1, 2, 3, 4], 
  "heads": [[3, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10901]}
})json";
inline constexpr const char* unary_chain = R"json({
  "nodes": [
    {
      "op": "null", 
      "name": "A", 
      "inputs": []
    }, 
    {
      "op": "relu", 
      "name": "relu0", 
      "inputs": [[0, 0, 0]]
    }, 
    {
      "op": "exp", 
      "name": "exp0", 
      "inputs": [[1, 0, 0]]
    }, 
    {
      "op": "sqrt", 
      "name": "sqrt0", 
      "inputs": [[2, 0, 0]]
    }
  ], 
  "arg_nodes": [0], 
  "node_row_ptr": [0, 1, 2, 3, 4], 
  "heads": [[3, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10901]}
})json";
inline constexpr const char* activation = R"json({
  "nodes": [
    {
      "op": "null", 
      "name": "A", 
      "inputs": []
    }, 
    {
      "op": "Activation", 
      "name": "activation0", 
      "attrs": {"act_type": "relu"}, 
      "inputs": [[0, 0, 0]]
    }
  ], 
  "arg_nodes": [0], 
  "node_row_ptr": [0, 1, 2], 
  "heads": [[1, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10901]}
})json";
inline constexpr const char* neg_group = R"json({
  "nodes": [
    {
      "op": "null", 
      "name": "A", 
      "inputs": []
    }, 
    {
      "op": "_mul_scalar", 
      "name": "_mulscalar0", 
      "attrs": {"scalar": "-1.0"}, 
      "inputs": [[0, 0, 0]]
    }, 
    {
      "op": "null", 
      "name": "B", 
      "inputs": []
    }, 
    {
      "op": "_rdiv_scalar", 
      "name": "_rdivscalar0", 
      "attrs": {"scalar": "2"}, 
      "inputs": [[2, 0, 0]]
    }
  ], 
  "arg_nodes": [0, 2], 
  "node_row_ptr": [0, 1, 2, 3, 4], 
  "heads": [[1, 0, 0], [3, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10901]}
})json";
inline constexpr const char* variable = R"json({
  "nodes": [
    {
      "op": "null", 
      "name": "A", 
      "inputs": []
    }
  ], 
  "arg_nodes": [0], 
  "node_row_ptr": [0, 1], 
  "heads": [[0, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10901]}
})json";
}  // namespace xsym_test::mxnet_literal
