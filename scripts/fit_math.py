#!/usr/bin/env python3
"""Fits the polynomial coefficients of xsym's vectorized math (include/xsym/ops/math/).

Each approximant is a Chebyshev fit (mpmath.chebyfit, 80 digits) of a smooth function on an
interval, printed in ascending order as C++ `{c0, c1, ...}` rounded to double or float. The
functions are chosen so that the fitted part is a small correction (x + x*z*P(z) ...), which keeps
the rounding of the coefficients and of Horner's scheme below the ulp budget.
Usage: scripts/fit_math.py [name ...]   (no name: all)
"""
import struct
import sys

import mpmath as mp

mp.mp.dps = 80


def series_safe(f, small):
    """f(t), with `small(t)` used for |t| below 1e-20 (where f's formula cancels)."""
    return lambda t: small(t) if abs(t) < mp.mpf('1e-20') else f(t)


def sq(f):
    """A function of z = x*x given as a function of x."""
    return lambda z: f(mp.sqrt(z))


LN2 = mp.log(2)
APPROX = {
    # name: (function, a, b, number of coefficients, 'd' or 'f')
    # exp(r) = 1 + r + r^2 E(r), |r| <= ln2/2
    'exp_d': (series_safe(lambda r: (mp.exp(r) - 1 - r) / r**2, lambda r: mp.mpf(1) / 2 + r / 6), -LN2 / 2, LN2 / 2, 11, 'd'),
    'exp_f': (series_safe(lambda r: (mp.exp(r) - 1 - r) / r**2, lambda r: mp.mpf(1) / 2 + r / 6), -LN2 / 2, LN2 / 2, 5, 'f'),
    # expm1(r) = r + r^2 E(r), |r| <= ln2 (expm1 reduces only beyond ln2)
    'expm1_d': (series_safe(lambda r: (mp.exp(r) - 1 - r) / r**2, lambda r: mp.mpf(1) / 2 + r / 6), -LN2, LN2, 14, 'd'),
    # log(1+f) = 2 atanh(s) = 2s + s*z*L(z), s = f/(2+f), z = s^2 <= ((sqrt2-1)/(sqrt2+1))^2
    'log_d': (series_safe(sq(lambda s: (2 * mp.atanh(s) - 2 * s) / s**3), lambda z: mp.mpf(2) / 3 + 2 * z / 5),
              0, ((mp.sqrt(2) - 1) / (mp.sqrt(2) + 1))**2, 8, 'd'),
    # log(1+f) = f - f^2/2 + f^3 L(f), f in [sqrt(1/2)-1, sqrt(2)-1]
    'log_f': (series_safe(lambda f: (mp.log1p(f) - f + f * f / 2) / f**3, lambda f: mp.mpf(1) / 3 - f / 4),
              mp.sqrt(0.5) - 1, mp.sqrt(2) - 1, 9, 'f'),
    # tanh(x) = x + x*z*T(z), |x| < 0.55
    'tanh_d': (series_safe(sq(lambda x: (mp.tanh(x) / x - 1) / x**2), lambda z: -mp.mpf(1) / 3 + 2 * z / 15), 0, 0.55**2, 12, 'd'),
    'tanh_f': (series_safe(sq(lambda x: (mp.tanh(x) / x - 1) / x**2), lambda z: -mp.mpf(1) / 3 + 2 * z / 15), 0, 0.55**2, 5, 'f'),
    # sinh(x) = x + x*z*S(z), |x| < 2
    'sinh_d': (series_safe(sq(lambda x: (mp.sinh(x) / x - 1) / x**2), lambda z: mp.mpf(1) / 6 + z / 120), 0, 4, 10, 'd'),
    # erf(x) = x + x*R(z), |x| < 0.875
    # erf(x) = x + x*R(z), |x| < 1
    'erf_small_d': (series_safe(sq(lambda x: mp.erf(x) / x - 1), lambda z: 2 / mp.sqrt(mp.pi) - 1 - 2 * z / (3 * mp.sqrt(mp.pi))),
                    0, 1, 14, 'd'),
    'erf_small_f': (series_safe(sq(lambda x: mp.erf(x) / x - 1), lambda z: 2 / mp.sqrt(mp.pi) - 1 - 2 * z / (3 * mp.sqrt(mp.pi))),
                    0, 1, 7, 'f'),
    # erfc(x) = exp(-x^2) G(x) on pieces of [1, 6], G a polynomial in t = x - (the piece's middle)
    'erfc_g1_d': (lambda x: mp.erfc(x) * mp.exp(x * x), 1, 2, 17, 'd', 1.5),
    'erfc_g2_d': (lambda x: mp.erfc(x) * mp.exp(x * x), 2, 3.5, 16, 'd', 2.75),
    'erfc_g3_d': (lambda x: mp.erfc(x) * mp.exp(x * x), 3.5, 6, 12, 'd', 4.75),
    'erfc_g_f': (lambda x: mp.erfc(x) * mp.exp(x * x), 1, 4, 14, 'f', 2.5),
    # asin(x) = x + x*z*A(z), |x| <= 1/2
    'asin_d': (series_safe(sq(lambda x: (mp.asin(x) / x - 1) / x**2), lambda z: mp.mpf(1) / 6 + 3 * z / 40), 0, 0.25, 13, 'd'),
    # atan(t) = t + t*z*T(z), |t| <= 7/16
    'atan_d': (series_safe(sq(lambda x: (mp.atan(x) / x - 1) / x**2), lambda z: -mp.mpf(1) / 3 + z / 5), 0, (mp.mpf(7) / 16)**2, 12, 'd'),
    # sin(x) = x + x*z*S(z), cos(x) = 1 - z/2 + z^2 C(z), |x| <= pi/4
    'sin_d': (series_safe(sq(lambda x: (mp.sin(x) / x - 1) / x**2), lambda z: -mp.mpf(1) / 6 + z / 120), 0, (mp.pi / 4)**2, 8, 'd'),
    'cos_d': (series_safe(sq(lambda x: (mp.cos(x) - 1 + x * x / 2) / x**4), lambda z: mp.mpf(1) / 24 - z / 720), 0, (mp.pi / 4)**2, 7, 'd'),
    # cbrt(m) on [1, 8): the start of cbrt's iterations (relative error 1.7e-3)
    'cbrt_d': (lambda x: mp.cbrt(x), 1, 8, 5, 'd'),
}


def fmt(c, kind):
    if kind == 'd':
        return repr(float(c))
    f = struct.unpack('f', struct.pack('f', float(c)))[0]
    return '%.9gf' % f


def two_over_pi():
    """2/pi in 24-bit chunks: chunk j = floor(2/pi 2^(24 (j + 1))) mod 2^24 (trig.hpp)."""
    with mp.workdps(500):
        v = 2 / mp.pi
        chunks = [int(mp.floor(v * mp.mpf(2)**(24 * (j + 1)))) % (1 << 24) for j in range(52)]
    print('inline constexpr std::array<double, 100> two_over_pi_24{%s};' % ', '.join(['0.0'] * 48 + ['%d.0' % c for c in chunks]))


def main(names):
    if not names or 'two_over_pi' in names:
        two_over_pi()
        names = [n for n in names if n != 'two_over_pi']
        if not names and names is not None and len(sys.argv) > 1:
            return
    for name in names or APPROX:
        f, a, b, n, kind, *center = APPROX[name]
        c = mp.mpf(center[0]) if center else mp.mpf(0)
        coef, err = mp.chebyfit(lambda t: f(t + c), [mp.mpf(a) - c, mp.mpf(b) - c], n, error=True)
        coef = list(reversed(coef))  # ascending
        print('// %s: %d coefficients on [%s, %s]%s, fit error %s' % (name, n, mp.nstr(a, 6), mp.nstr(b, 6),
              ' in x - %s' % mp.nstr(c, 6) if center else '', mp.nstr(err, 3)))
        print('inline constexpr std::array<%s, %d> %s{%s};' % ('double' if kind == 'd' else 'float', n, name,
                                                           ', '.join(fmt(c, kind) for c in coef)))


if __name__ == '__main__':
    main(sys.argv[1:])
