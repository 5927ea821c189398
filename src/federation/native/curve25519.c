/*
 * The PSI's curve arithmetic (psi.ts, protocol v2), a batch at a time, giving the same bytes as the
 * libsodium calls it replaces:
 *
 *   hashToMontgomery: u = Montgomery u-coordinate of  from_uniform(h[0..32]) + from_uniform(h[32..64])
 *   x25519:           X25519(k, u) for many u and one scalar k (crypto_scalarmult)
 *
 * where from_uniform is libsodium's crypto_core_ed25519_from_uniform (Elligator 2 onto Curve25519,
 * mapped to edwards25519, the sign of x taken from the top bit of the input, cofactor cleared).
 *
 * Why it exists: through libsodium's public API each step of the hash compresses its point and the
 * next decompresses it, so one selector costs thirteen field exponentiations (inversions, square
 * roots, a Legendre symbol). Here the points stay in extended coordinates and every inversion of a
 * batch is shared (Montgomery's trick), which leaves one exponentiation per Elligator map: two per
 * selector. The maths are those of RFC 9380 §6.7.1 and of libsodium's ge25519_from_uniform. And
 * X25519 one point at a time leaves most of a core's vector unit idle: a batch shares its scalar, so
 * four Montgomery ladders run in step in AVX2 registers, and their final divisions share one
 * inversion. The code is ours; test/federation/hash-to-curve.test.ts and x25519.test.ts check it
 * against libsodium, byte for byte.
 *
 * Field elements: five 51-bit limbs (radix 2^51), 128-bit products; the ladders use ten limbs of
 * 25.5 bits (below). No branch or table index depends on the data (the exceptions report an input
 * that hashed to the identity, which a hash output does with probability 2^-250, or a small-order
 * point, which refuses the set), so the time taken says nothing about the selectors or the key.
 */
#include <node_api.h>
/* SHA512_Init and co. are deprecated in OpenSSL 3 for EVP, which allocates per hash; these do not. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef uint64_t fe[5];

static const uint64_t LOW51 = (1ULL << 51) - 1;

/* Limbs below 2^51 (plus a little in limb 1): what every operation below returns. */
static void fe_carry(fe h) {
  uint64_t c;
  c = h[0] >> 51; h[0] &= LOW51; h[1] += c;
  c = h[1] >> 51; h[1] &= LOW51; h[2] += c;
  c = h[2] >> 51; h[2] &= LOW51; h[3] += c;
  c = h[3] >> 51; h[3] &= LOW51; h[4] += c;
  c = h[4] >> 51; h[4] &= LOW51; h[0] += 19 * c;
  c = h[0] >> 51; h[0] &= LOW51; h[1] += c;
}

static void fe_copy(fe h, const fe f) { memcpy(h, f, sizeof(fe)); }
static void fe_set(fe h, uint64_t small) { h[0] = small; h[1] = h[2] = h[3] = h[4] = 0; }

static void fe_add(fe h, const fe f, const fe g) {
  for (int i = 0; i < 5; i++) h[i] = f[i] + g[i];
  fe_carry(h);
}

/* f − g + 4p, so that no limb goes below zero for inputs under 2^53. */
static void fe_sub(fe h, const fe f, const fe g) {
  h[0] = f[0] + 0x1fffffffffffb4ULL - g[0];
  for (int i = 1; i < 5; i++) h[i] = f[i] + 0x1ffffffffffffcULL - g[i];
  fe_carry(h);
}

static void fe_neg(fe h, const fe f) {
  fe zero;
  fe_set(zero, 0);
  fe_sub(h, zero, f);
}

/* The five 128-bit column sums of a product (2^255 already folded in as 19), carried down to limbs. */
static inline void fe_from_columns(fe h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) {
  r1 += (uint64_t)(r0 >> 51);
  r2 += (uint64_t)(r1 >> 51);
  r3 += (uint64_t)(r2 >> 51);
  r4 += (uint64_t)(r3 >> 51);
  h[0] = ((uint64_t)r0 & LOW51) + 19 * (uint64_t)(r4 >> 51);
  h[1] = (uint64_t)r1 & LOW51;
  h[2] = (uint64_t)r2 & LOW51;
  h[3] = (uint64_t)r3 & LOW51;
  h[4] = (uint64_t)r4 & LOW51;
  h[1] += h[0] >> 51;
  h[0] &= LOW51;
}

static void fe_mul(fe h, const fe f, const fe g) {
  const uint64_t g1_19 = 19 * g[1], g2_19 = 19 * g[2], g3_19 = 19 * g[3], g4_19 = 19 * g[4];
  u128 r0 = (u128)f[0] * g[0] + (u128)f[1] * g4_19 + (u128)f[2] * g3_19 + (u128)f[3] * g2_19 + (u128)f[4] * g1_19;
  u128 r1 = (u128)f[0] * g[1] + (u128)f[1] * g[0] + (u128)f[2] * g4_19 + (u128)f[3] * g3_19 + (u128)f[4] * g2_19;
  u128 r2 = (u128)f[0] * g[2] + (u128)f[1] * g[1] + (u128)f[2] * g[0] + (u128)f[3] * g4_19 + (u128)f[4] * g3_19;
  u128 r3 = (u128)f[0] * g[3] + (u128)f[1] * g[2] + (u128)f[2] * g[1] + (u128)f[3] * g[0] + (u128)f[4] * g4_19;
  u128 r4 = (u128)f[0] * g[4] + (u128)f[1] * g[3] + (u128)f[2] * g[2] + (u128)f[3] * g[1] + (u128)f[4] * g[0];
  fe_from_columns(h, r0, r1, r2, r3, r4);
}

static void fe_sq(fe h, const fe f) {
  const uint64_t f0_2 = 2 * f[0], f1_2 = 2 * f[1];
  const uint64_t f1_38 = 38 * f[1], f2_38 = 38 * f[2], f3_38 = 38 * f[3];
  const uint64_t f3_19 = 19 * f[3], f4_19 = 19 * f[4];
  u128 r0 = (u128)f[0] * f[0] + (u128)f1_38 * f[4] + (u128)f2_38 * f[3];
  u128 r1 = (u128)f0_2 * f[1] + (u128)f2_38 * f[4] + (u128)f3_19 * f[3];
  u128 r2 = (u128)f0_2 * f[2] + (u128)f[1] * f[1] + (u128)f3_38 * f[4];
  u128 r3 = (u128)f0_2 * f[3] + (u128)f1_2 * f[2] + (u128)f4_19 * f[4];
  u128 r4 = (u128)f0_2 * f[4] + (u128)f1_2 * f[3] + (u128)f[2] * f[2];
  fe_from_columns(h, r0, r1, r2, r3, r4);
}

static void fe_sq_times(fe h, const fe f, int times) {
  fe_sq(h, f);
  for (int i = 1; i < times; i++) fe_sq(h, h);
}

/* The unique representative below p, as 32 little-endian bytes (top bit clear). */
static void fe_tobytes(uint8_t s[32], const fe f) {
  /* The limbs as 64-bit words: v = w + 2^256·top (limbs may be a little over 51 bits). */
  uint64_t w[4];
  u128 acc = (u128)f[0] + ((u128)f[1] << 51);
  w[0] = (uint64_t)acc;
  acc = (acc >> 64) + ((u128)f[2] << 38);
  w[1] = (uint64_t)acc;
  acc = (acc >> 64) + ((u128)f[3] << 25);
  w[2] = (uint64_t)acc;
  acc = (acc >> 64) + ((u128)f[4] << 12);
  w[3] = (uint64_t)acc;
  uint64_t high = (uint64_t)(acc >> 64);
  /* Fold everything from bit 255 up back in as 19 per 2^255, twice: then v < 2^255. */
  for (int round = 0; round < 2; round++) {
    const uint64_t over = (w[3] >> 63) | (high << 1);
    high = 0;
    w[3] &= 0x7fffffffffffffffULL;
    u128 sum = (u128)w[0] + (u128)19 * over;
    for (int i = 0; i < 4; i++) {
      w[i] = (uint64_t)sum;
      sum = (sum >> 64) + (i < 3 ? w[i + 1] : 0);
    }
  }
  /* v ≥ p exactly when v + 19 reaches 2^255; then v − p is that sum without its bit 255. */
  uint64_t plus[4];
  u128 sum = (u128)w[0] + 19;
  for (int i = 0; i < 4; i++) {
    plus[i] = (uint64_t)sum;
    sum = (sum >> 64) + (i < 3 ? w[i + 1] : 0);
  }
  const uint64_t reduce = (uint64_t)0 - (plus[3] >> 63);
  plus[3] &= 0x7fffffffffffffffULL;
  for (int i = 0; i < 4; i++) {
    const uint64_t word = w[i] ^ (reduce & (w[i] ^ plus[i]));
    for (int j = 0; j < 8; j++) s[8 * i + j] = (uint8_t)(word >> (8 * j));
  }
}

static uint64_t load64(const uint8_t *s) {
  uint64_t w = 0;
  for (int j = 7; j >= 0; j--) w = (w << 8) | s[j];
  return w;
}

/* 255 bits, the top bit of byte 31 ignored (it is the sign of x, read separately). */
static void fe_frombytes(fe h, const uint8_t s[32]) {
  const uint64_t w0 = load64(s), w1 = load64(s + 8), w2 = load64(s + 16), w3 = load64(s + 24);
  h[0] = w0 & LOW51;
  h[1] = ((w0 >> 51) | (w1 << 13)) & LOW51;
  h[2] = ((w1 >> 38) | (w2 << 26)) & LOW51;
  h[3] = ((w2 >> 25) | (w3 << 39)) & LOW51;
  h[4] = (w3 >> 12) & LOW51;
}

static uint64_t fe_iszero(const fe f) {
  uint8_t s[32], any = 0;
  fe_tobytes(s, f);
  for (int i = 0; i < 32; i++) any |= s[i];
  return (uint64_t)(((unsigned)any - 1) >> 8) & 1;
}

static uint64_t fe_equal(const fe f, const fe g) {
  fe d;
  fe_sub(d, f, g);
  return fe_iszero(d);
}

/* The "sign" of RFC 8032: the low bit of the canonical encoding. */
static uint64_t fe_isnegative(const fe f) {
  uint8_t s[32];
  fe_tobytes(s, f);
  return s[0] & 1;
}

/* h = g when bit is 1, h unchanged when 0, without a branch. */
static void fe_cmov(fe h, const fe g, uint64_t bit) {
  const uint64_t mask = (uint64_t)0 - bit;
  for (int i = 0; i < 5; i++) h[i] ^= mask & (h[i] ^ g[i]);
}

/* z^(2^250 − 1), the common stem of the two exponentiations below; z11 = z^11 on the side. */
static void fe_pow_2_250_minus_1(fe out, fe z11, const fe z) {
  fe z2, z9, t, z2_5, z2_10, z2_20, z2_50, z2_100;
  fe_sq(z2, z);                /* 2 */
  fe_sq_times(t, z2, 2);       /* 8 */
  fe_mul(z9, t, z);            /* 9 */
  fe_mul(z11, z9, z2);         /* 11 */
  fe_sq(t, z11);               /* 22 */
  fe_mul(z2_5, t, z9);         /* 31 = 2^5 − 1 */
  fe_sq_times(t, z2_5, 5);
  fe_mul(z2_10, t, z2_5);      /* 2^10 − 1 */
  fe_sq_times(t, z2_10, 10);
  fe_mul(z2_20, t, z2_10);     /* 2^20 − 1 */
  fe_sq_times(t, z2_20, 20);
  fe_mul(t, t, z2_20);         /* 2^40 − 1 */
  fe_sq_times(t, t, 10);
  fe_mul(z2_50, t, z2_10);     /* 2^50 − 1 */
  fe_sq_times(t, z2_50, 50);
  fe_mul(z2_100, t, z2_50);    /* 2^100 − 1 */
  fe_sq_times(t, z2_100, 100);
  fe_mul(t, t, z2_100);        /* 2^200 − 1 */
  fe_sq_times(t, t, 50);
  fe_mul(out, t, z2_50);       /* 2^250 − 1 */
}

/* z^(p − 2) = 1/z (0 for 0). */
static void fe_invert(fe out, const fe z) {
  fe t, z11;
  fe_pow_2_250_minus_1(t, z11, z);
  fe_sq_times(t, t, 5);        /* 2^255 − 32 */
  fe_mul(out, t, z11);         /* 2^255 − 21 = p − 2 */
}

/* z^((p + 3) / 8) = z^(2^252 − 2): a square root of z or of −z when z is a square, else of ±√−1·z. */
static void fe_root_candidate(fe out, const fe z) {
  fe t, z11;
  fe_pow_2_250_minus_1(t, z11, z);
  fe_sq_times(out, t, 2);      /* 2^252 − 4 */
  fe_mul(out, out, z);         /* 2^252 − 3 */
  fe_mul(out, out, z);         /* 2^252 − 2 */
}

/* Constants, worked out once per process from their definitions (no magic numbers to mistype). */
static fe CURVE_A;          /* 486662, Curve25519's A */
static fe SQRT_M1;          /* √−1 = 2^((p − 1) / 4) */
static fe SQRT_M486664;     /* √(−A − 2), the scale of the map from Curve25519 to edwards25519 */
static fe ROOT_OF_2_FACTOR; /* 2^((p + 3) / 8): turns a root candidate of z into one of 2z */
static fe EDWARDS_2D;       /* 2d, d = −121665 / 121666 */
static SHA512_CTX zero_block_state; /* SHA-512 after Z_pad, expand_message's first block */
static int constants_ok;
static pthread_once_t constants_once = PTHREAD_ONCE_INIT;

static void init_constants(void) {
  static const uint8_t zero_block[128];
  SHA512_Init(&zero_block_state);
  SHA512_Update(&zero_block_state, zero_block, sizeof zero_block);
  fe two, t, minus, check, d;
  fe_set(CURVE_A, 486662);
  fe_set(two, 2);
  fe_root_candidate(ROOT_OF_2_FACTOR, two);
  /* 2^((p − 1) / 4) = 2^(2^253 − 5) = (2^(2^252 − 2))^2 / 2. */
  fe_sq(t, ROOT_OF_2_FACTOR);
  fe_invert(check, two);
  fe_mul(SQRT_M1, t, check);
  fe_set(t, 486664);
  fe_neg(minus, t);
  fe_root_candidate(SQRT_M486664, minus);
  fe_sq(check, SQRT_M486664);
  fe_mul(t, SQRT_M486664, SQRT_M1);
  fe_cmov(SQRT_M486664, t, 1 - fe_equal(check, minus));
  fe_set(t, 121666);
  fe_invert(d, t);
  fe_set(t, 121665);
  fe_mul(d, d, t);
  fe_neg(d, d);
  fe_add(EDWARDS_2D, d, d);
  /* Self-check: √−1 squares to −1 and √(−486664) squares to −486664. */
  fe one, minus_one;
  fe_set(one, 1);
  fe_neg(minus_one, one);
  fe_sq(check, SQRT_M1);
  uint64_t ok = fe_equal(check, minus_one);
  fe_sq(check, SQRT_M486664);
  ok &= fe_equal(check, minus);
  constants_ok = (int)ok;
}

/* 1/v[i] for every i with one inversion (Montgomery's trick); a zero stays zero. */
static void batch_invert(fe *v, fe *scratch, size_t n) {
  fe acc, inv, one, t;
  fe_set(one, 1);
  fe_copy(acc, one);
  for (size_t i = 0; i < n; i++) {
    fe_copy(scratch[i], acc);
    fe_copy(t, v[i]);
    fe_cmov(t, one, fe_iszero(v[i]));
    fe_mul(acc, acc, t);
  }
  fe_invert(inv, acc);
  for (size_t i = n; i-- > 0;) {
    const uint64_t zero = fe_iszero(v[i]);
    fe_copy(t, v[i]);
    fe_cmov(t, one, zero);
    fe_mul(scratch[i], scratch[i], inv); /* 1/v[i] */
    fe_mul(inv, inv, t);
    fe zero_fe;
    fe_set(zero_fe, 0);
    fe_cmov(scratch[i], zero_fe, zero);
    fe_copy(v[i], scratch[i]);
  }
}

/* A point on edwards25519 in extended coordinates: x = X/Z, y = Y/Z, xy = T/Z. */
typedef struct {
  fe X, Y, Z, T;
} point;

/* Both formulas below (Hisil–Wong–Carter–Dawson, a = −1) end alike: X = EF, Y = GH, T = EH, Z = FG. */
static void point_from_efgh(point *r, const fe e, const fe f, const fe g, const fe h) {
  fe_mul(r->X, e, f);
  fe_mul(r->Y, g, h);
  fe_mul(r->T, e, h);
  fe_mul(r->Z, f, g);
}

static void point_add(point *r, const point *p, const point *q) {
  fe a, b, c, d, e, f, g, h, t;
  fe_sub(a, p->Y, p->X);
  fe_sub(t, q->Y, q->X);
  fe_mul(a, a, t);
  fe_add(b, p->Y, p->X);
  fe_add(t, q->Y, q->X);
  fe_mul(b, b, t);
  fe_mul(c, p->T, q->T);
  fe_mul(c, c, EDWARDS_2D);
  fe_mul(d, p->Z, q->Z);
  fe_add(d, d, d);
  fe_sub(e, b, a);
  fe_sub(f, d, c);
  fe_add(g, d, c);
  fe_add(h, b, a);
  point_from_efgh(r, e, f, g, h);
}

static void point_double(point *r, const point *p) {
  fe a, b, c, d, e, f, g, h, t;
  fe_sq(a, p->X);
  fe_sq(b, p->Y);
  fe_sq(c, p->Z);
  fe_add(c, c, c);
  fe_neg(d, a);              /* a·X² with a = −1 */
  fe_add(t, p->X, p->Y);
  fe_sq(e, t);
  fe_sub(e, e, a);
  fe_sub(e, e, b);
  fe_add(g, d, b);
  fe_sub(f, g, c);
  fe_sub(h, d, b);
  point_from_efgh(r, e, f, g, h);
}

/*
 * Elligator 2, first half (libsodium's ge25519_elligator2): the Montgomery point (x, y) for the field
 * element r, given 1/(2r² + 1). y is either root: the sign of the Edwards x is set afterwards.
 */
static void elligator2(fe x, fe y, const fe r, const fe inverse_of_1_plus_2r2) {
  fe x1, gx1, t, beta, y1, y2, check, minus_gx1, gx2, x2;
  fe_mul(x1, CURVE_A, inverse_of_1_plus_2r2);
  fe_neg(x1, x1);                         /* x1 = −A / (1 + 2r²) */
  fe_add(gx1, x1, CURVE_A);
  fe_mul(gx1, gx1, x1);
  fe_set(t, 1);
  fe_add(gx1, gx1, t);
  fe_mul(gx1, gx1, x1);                   /* g(x1) = x1 (x1² + A x1 + 1) */

  fe_root_candidate(beta, gx1);
  fe_copy(y1, beta);
  fe_sq(check, beta);
  fe_neg(minus_gx1, gx1);
  const uint64_t root_is_beta = fe_equal(check, gx1);
  const uint64_t root_is_i_beta = fe_equal(check, minus_gx1);
  fe_mul(t, beta, SQRT_M1);
  fe_cmov(y1, t, root_is_i_beta);
  const uint64_t square = root_is_beta | root_is_i_beta;

  /* Not a square: x2 = −x1 − A, and g(x2) = 2r² g(x1), whose root is r · 2^((p+3)/8) · beta, or i times it. */
  fe_neg(x2, x1);
  fe_sub(x2, x2, CURVE_A);
  fe_sq(gx2, r);
  fe_add(gx2, gx2, gx2);
  fe_mul(gx2, gx2, gx1);
  fe_mul(y2, r, ROOT_OF_2_FACTOR);
  fe_mul(y2, y2, beta);
  fe_sq(check, y2);
  fe_mul(t, y2, SQRT_M1);
  fe_cmov(y2, t, 1 - fe_equal(check, gx2));

  fe_copy(x, x2);
  fe_cmov(x, x1, square);
  fe_copy(y, y2);
  fe_cmov(y, y1, square);
}

/*
 * The batch: uniform holds 64 bytes per selector; out gets 32 per selector, the canonical u. Returns
 * the index of a selector that hashed to the identity (which has no u), or −1. Memory: −2 when short.
 */
static long hash_batch(const uint8_t *uniform, uint8_t *out, size_t count) {
  const size_t maps = 2 * count;
  fe *a = malloc(maps * sizeof(fe));
  fe *b = malloc(maps * sizeof(fe));
  fe *scratch = malloc(maps * sizeof(fe));
  fe *rs = malloc(maps * sizeof(fe));
  point *points = malloc(count * sizeof(point));
  uint8_t *signs = malloc(maps);
  long identity = -1;
  if (!a || !b || !scratch || !rs || !points || !signs) {
    identity = -2;
    goto done;
  }
  fe one;
  fe_set(one, 1);

  /* 1 + 2r² for every map, inverted together. */
  for (size_t m = 0; m < maps; m++) {
    const uint8_t *bytes = uniform + 32 * m;
    signs[m] = bytes[31] >> 7;
    fe_frombytes(rs[m], bytes);
    fe_sq(a[m], rs[m]);
    fe_add(a[m], a[m], a[m]);
    fe_add(a[m], a[m], one);
  }
  batch_invert(a, scratch, maps);

  /* Each map's Montgomery point; a[m] keeps x, b[m] the denominator (x + 1)·y of the Edwards map. */
  for (size_t m = 0; m < maps; m++) {
    fe x, y, xp1;
    elligator2(x, y, rs[m], a[m]);
    fe_copy(a[m], x);
    fe_copy(rs[m], y);
    fe_add(xp1, x, one);
    fe_mul(b[m], xp1, y);
  }
  batch_invert(b, scratch, maps);

  /* Edwards x = √(−A−2)·x/y with its sign from the input, y = (x − 1)/(x + 1); identity when (x + 1)·y = 0. */
  for (size_t i = 0; i < count; i++) {
    point mapped[2];
    for (int half = 0; half < 2; half++) {
      const size_t m = 2 * i + half;
      fe xed, yed, t, xm1, xp1;
      fe_add(xp1, a[m], one);
      fe_sub(xm1, a[m], one);
      fe_mul(xed, SQRT_M486664, a[m]);
      fe_mul(xed, xed, b[m]);
      fe_mul(xed, xed, xp1);
      fe_mul(yed, xm1, b[m]);
      fe_mul(yed, yed, rs[m]);
      fe_cmov(yed, one, fe_iszero(b[m]));
      fe_neg(t, xed);
      fe_cmov(xed, t, fe_isnegative(xed) ^ signs[m]);
      point *p = &mapped[half];
      fe_copy(p->X, xed);
      fe_copy(p->Y, yed);
      fe_set(p->Z, 1);
      fe_mul(p->T, xed, yed);
    }
    /* 8(P + Q) = 8P + 8Q: the two cofactor clearings become one. */
    point sum;
    point_add(&sum, &mapped[0], &mapped[1]);
    point_double(&sum, &sum);
    point_double(&sum, &sum);
    point_double(&points[i], &sum);
  }

  /* Montgomery u = (Z + Y) / (Z − Y), the denominators inverted together. */
  fe *den = a;
  for (size_t i = 0; i < count; i++) {
    fe_sub(den[i], points[i].Z, points[i].Y);
    if (identity < 0 && fe_iszero(den[i])) identity = (long)i; /* only ever taken for a 2^-250 accident */
  }
  batch_invert(den, scratch, count);
  for (size_t i = 0; i < count; i++) {
    fe u;
    fe_add(u, points[i].Z, points[i].Y);
    fe_mul(u, u, den[i]);
    fe_tobytes(out + 32 * i, u);
  }

done:
  free(a);
  free(b);
  free(scratch);
  free(rs);
  free(points);
  free(signs);
  return identity;
}

/*
 * X25519, four ladders at once in AVX2. All the points of a batch share the scalar, so four ladders
 * take their conditional swaps together, and each 256-bit register holds one limb of four field
 * elements. The limbs here are ref10's radix 2^25.5 (26 and 25 bits alternately: offsets 0, 26, 51,
 * 77, ..., 230), kept non-negative so that one vpmuludq (32 × 32 → 64 bits) makes four products.
 *
 * Bounds, which every step keeps: a product's output ("reduced") has even limbs below 2^26 and odd
 * limbs below 2^25 + 2^18. A sum of two reduced elements stays below 2^27; a difference adds 2p
 * first, so stays below 1.5·2^27. A multiplication's inputs may be any of these: 19 times a limb
 * then fits 32 bits (19·1.5·2^27 < 2^32), and a column of ten products fits 64 bits (< 2^62.2).
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_X25519_AVX2 1
#include <immintrin.h>
#pragma GCC push_options
#pragma GCC target("avx2")
/* GCC's temporary expression replacement moves all of a product's hundred multiplications ahead of
   the additions, through the stack: without it a multiplication takes about two thirds of the time. */
#pragma GCC optimize("no-tree-ter")

typedef uint64_t lanes __attribute__((vector_size(32)));
typedef lanes fe4[10];

static inline lanes splat(uint64_t x) { return (lanes){x, x, x, x}; }
static inline lanes mul32(lanes a, lanes b) { return (lanes)_mm256_mul_epu32((__m256i)a, (__m256i)b); }

/* Ten 64-bit column sums carried down to reduced limbs, in two interleaved chains (as ref10 does). */
static inline void fe4_carry(fe4 h, lanes r[10]) {
  const lanes m26 = splat((1ULL << 26) - 1), m25 = splat((1ULL << 25) - 1);
  lanes c;
#define CARRY(i, bits, mask) c = r[i] >> bits; r[i + 1] += c; r[i] &= mask;
  CARRY(0, 26, m26) CARRY(4, 26, m26)
  CARRY(1, 25, m25) CARRY(5, 25, m25)
  CARRY(2, 26, m26) CARRY(6, 26, m26)
  CARRY(3, 25, m25) CARRY(7, 25, m25)
  CARRY(4, 26, m26) CARRY(8, 26, m26)
#undef CARRY
  c = r[9] >> 25;
  r[9] &= m25;
  r[0] += (c << 4) + (c << 1) + c; /* 2^255 = 19 (mod p); c may exceed 32 bits, so no vpmuludq */
  c = r[0] >> 26;
  r[0] &= m26;
  r[1] += c;
  for (int i = 0; i < 10; i++) h[i] = r[i];
}

/* h = f·g: limb i times limb j lands at limb i + j, doubled when both are odd (25.5 + 25.5 rounds
   up), and 19 times at limb i + j − 10 past the top. */
static inline void fe4_mul(fe4 h, const fe4 f, const fe4 g) {
  const lanes nineteen = splat(19);
  lanes g19[10], r[10];
#pragma GCC unroll 10
  for (int j = 0; j < 10; j++) {
    g19[j] = mul32(g[j], nineteen);
    r[j] = splat(0);
  }
#pragma GCC unroll 10
  for (int i = 0; i < 10; i++) {
    const lanes fi = f[i], fi2 = fi + fi;
#pragma GCC unroll 10
    for (int j = 0; j < 10; j++) {
      const lanes x = (i & 1) && (j & 1) ? fi2 : fi;
      if (i + j < 10) r[i + j] += mul32(x, g[j]);
      else r[i + j - 10] += mul32(x, g19[j]);
    }
  }
  fe4_carry(h, r);
}

/* h = f²: each cross product once, doubled (55 products instead of 100). 38 times a limb would not
   fit 32 bits for an even limb, so a doubled wrapped product is 2f_i times 19f_j, except when both are
   odd (76 = 2·38, and odd limbs are small enough for 38 times). */
static inline void fe4_sq(fe4 h, const fe4 f) {
  const lanes nineteen = splat(19);
  lanes f2[10], f19[10], f38[10], r[10];
#pragma GCC unroll 10
  for (int i = 0; i < 10; i++) {
    f2[i] = f[i] + f[i];
    f19[i] = mul32(f[i], nineteen);
    f38[i] = f19[i] + f19[i];
    r[i] = splat(0);
  }
#pragma GCC unroll 10
  for (int i = 0; i < 10; i++) {
    const int odd_i = i & 1;
    r[2 * i % 10] += 2 * i < 10 ? mul32(odd_i ? f2[i] : f[i], f[i]) : mul32(odd_i ? f2[i] : f[i], f19[i]);
#pragma GCC unroll 10
    for (int j = i + 1; j < 10; j++) {
      const int both_odd = odd_i && (j & 1);
      if (i + j < 10) r[i + j] += mul32(f2[i], both_odd ? f2[j] : f[j]);
      else r[i + j - 10] += mul32(f2[i], both_odd ? f38[j] : f19[j]);
    }
  }
  fe4_carry(h, r);
}

static inline void fe4_mul_small(fe4 h, const fe4 f, uint64_t k) {
  const lanes kk = splat(k);
  lanes r[10];
  for (int i = 0; i < 10; i++) r[i] = mul32(f[i], kk);
  fe4_carry(h, r);
}

static inline void fe4_add(fe4 h, const fe4 f, const fe4 g) {
  for (int i = 0; i < 10; i++) h[i] = f[i] + g[i];
}

/* f − g + 2p, limb by limb (2p = 0x7ffffda, then 0x3fffffe and 0x7fffffe alternately). */
static inline void fe4_sub(fe4 h, const fe4 f, const fe4 g) {
  h[0] = f[0] + splat(0x7ffffdaULL) - g[0];
  for (int i = 1; i < 10; i++) h[i] = f[i] + splat(i & 1 ? 0x3fffffeULL : 0x7fffffeULL) - g[i];
}

static inline void fe4_cswap(fe4 f, fe4 g, uint64_t bit) {
  const lanes mask = splat((uint64_t)0 - bit);
  for (int i = 0; i < 10; i++) {
    const lanes x = mask & (f[i] ^ g[i]);
    f[i] ^= x;
    g[i] ^= x;
  }
}

/* One step of four ladders (RFC 7748 §5's formulas, a24 = 121665), after the conditional swap. */
static void fe4_ladder_step(const fe4 x1, fe4 x2, fe4 z2, fe4 x3, fe4 z3) {
  fe4 a, aa, b, bb, e, c, d, da, cb, t;
  fe4_add(a, x2, z2);
  fe4_sq(aa, a);
  fe4_sub(b, x2, z2);
  fe4_sq(bb, b);
  fe4_sub(e, aa, bb);
  fe4_add(c, x3, z3);
  fe4_sub(d, x3, z3);
  fe4_mul(da, d, a);
  fe4_mul(cb, c, b);
  fe4_add(t, da, cb);
  fe4_sq(x3, t);
  fe4_sub(t, da, cb);
  fe4_sq(t, t);
  fe4_mul(z3, x1, t);
  fe4_mul(x2, aa, bb);
  fe4_mul_small(t, e, 121665);
  fe4_add(t, t, aa);
  fe4_mul(z2, e, t);
}

/* Four u-coordinates (ignoring the top bit) through the ladder with the clamped scalar k; x2/z2 out in radix 2^51. */
static void x25519_four(const uint8_t k[32], const uint8_t *u[4], fe x2_out[4], fe z2_out[4]) {
  fe4 x1, x2, z2, x3, z3;
  for (int j = 0; j < 4; j++) {
    fe f;
    fe_frombytes(f, u[j]);
    for (int i = 0; i < 5; i++) {
      x1[2 * i][j] = f[i] & ((1ULL << 26) - 1);
      x1[2 * i + 1][j] = f[i] >> 26;
    }
  }
  for (int i = 0; i < 10; i++) {
    x2[i] = splat(i == 0);
    z2[i] = splat(0);
    x3[i] = x1[i];
    z3[i] = splat(i == 0);
  }
  uint64_t swap = 0;
  for (int t = 254; t >= 0; t--) {
    const uint64_t bit = (k[t >> 3] >> (t & 7)) & 1;
    swap ^= bit;
    fe4_cswap(x2, x3, swap);
    fe4_cswap(z2, z3, swap);
    fe4_ladder_step(x1, x2, z2, x3, z3);
    swap = bit;
  }
  fe4_cswap(x2, x3, swap);
  fe4_cswap(z2, z3, swap);
  for (int j = 0; j < 4; j++) {
    for (int i = 0; i < 5; i++) {
      x2_out[j][i] = x2[2 * i][j] + (x2[2 * i + 1][j] << 26);
      z2_out[j][i] = z2[2 * i][j] + (z2[2 * i + 1][j] << 26);
    }
  }
}

#pragma GCC pop_options

/*
 * X25519 (RFC 7748) of count packed u-coordinates with one scalar, as libsodium's crypto_scalarmult
 * computes it: the scalar clamped, the top bit of each u ignored. The final divisions x2/z2 share one
 * inversion (Montgomery's trick). Returns the index of the first result that is zero (a small-order
 * input; libsodium refuses those), or −1; −2 when memory is short. Only called where the CPU has AVX2.
 */
static long x25519_batch(const uint8_t scalar_in[32], const uint8_t *in, uint8_t *out, size_t count) {
  uint8_t k[32];
  memcpy(k, scalar_in, 32);
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;
  fe *x2 = malloc((count + 3) * sizeof(fe));
  fe *z2 = malloc((count + 3) * sizeof(fe));
  fe *scratch = malloc(count * sizeof(fe));
  long zero = -1;
  if (!x2 || !z2 || !scratch) {
    zero = -2;
    goto done;
  }
  for (size_t first = 0; first < count; first += 4) {
    const uint8_t *u[4];
    for (size_t j = 0; j < 4; j++) u[j] = in + 32 * (first + j < count ? first + j : first); /* a short last group repeats its first point */
    x25519_four(k, u, x2 + first, z2 + first);
  }
  batch_invert(z2, scratch, count);
  for (size_t i = 0; i < count; i++) {
    fe u;
    fe_mul(u, x2[i], z2[i]);
    fe_tobytes(out + 32 * i, u);
    uint8_t any = 0;
    for (int j = 0; j < 32; j++) any |= out[32 * i + j];
    if (zero < 0 && any == 0) zero = (long)i; /* only for a small-order input, which refuses the set */
  }

done:
  free(x2);
  free(z2);
  free(scratch);
  return zero;
}
#endif /* HAVE_X25519_AVX2 */

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

/* The data of a typed array of the given type (elements counted, not bytes). */
static int typed_array_of(napi_env env, napi_value value, napi_typedarray_type expected, void **data, size_t *elements) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  size_t offset;
  napi_value buffer;
  if (napi_get_typedarray_info(env, value, &type, elements, data, &buffer, &offset) != napi_ok) return 0;
  return type == expected;
}

static int bytes_of(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  return typed_array_of(env, value, napi_uint8_array, (void **)data, length);
}

/*
 * RFC 9380 §5.3.1 expand_message_xmd with SHA-512 for 64 bytes (one block out, ell = 1), as psi.ts's
 * expanded() computes it: b0 = H(Z_pad ‖ msg ‖ I2OSP(64, 2) ‖ 0 ‖ DST′), b1 = H(b0 ‖ 1 ‖ DST′).
 * SHA-512 is Node's own OpenSSL (addons may link to it); Z_pad is a whole zero block, so its state is
 * taken once (init_constants) and copied. In JavaScript the two one-shot hashes cost 5–7 µs a
 * selector, about half the map's time; here about one.
 */
static void expand_message(const uint8_t *message, size_t length, const uint8_t *dst_prime, size_t dst_prime_length, uint8_t out[64]) {
  static const uint8_t length_and_zero[3] = {0, 64, 0}, one = 1;
  uint8_t b0[64];
  SHA512_CTX c = zero_block_state;
  SHA512_Update(&c, message, length);
  SHA512_Update(&c, length_and_zero, 3);
  SHA512_Update(&c, dst_prime, dst_prime_length);
  SHA512_Final(b0, &c);
  SHA512_Init(&c);
  SHA512_Update(&c, b0, 64);
  SHA512_Update(&c, &one, 1);
  SHA512_Update(&c, dst_prime, dst_prime_length);
  SHA512_Final(out, &c);
}

/* expandMessages(messages: Uint8Array (concatenated), lengths: Uint32Array, dstPrime: Uint8Array, out: Uint8Array (64 bytes each)) */
static napi_value expand_messages(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4) return throw_error(env, "expandMessages(messages, lengths, dstPrime, out)");
  uint8_t *messages, *dst_prime, *out;
  uint32_t *lengths;
  size_t messages_length, count, dst_prime_length, out_length;
  if (!bytes_of(env, argv[0], &messages, &messages_length) || !typed_array_of(env, argv[1], napi_uint32_array, (void **)&lengths, &count) ||
      !bytes_of(env, argv[2], &dst_prime, &dst_prime_length) || !bytes_of(env, argv[3], &out, &out_length)) {
    return throw_error(env, "expandMessages takes a Uint8Array, a Uint32Array and two Uint8Arrays");
  }
  if (out_length != 64 * count) return throw_error(env, "expandMessages: 64 bytes out per message");
  size_t at = 0;
  for (size_t i = 0; i < count; i++) {
    if (lengths[i] > messages_length - at) return throw_error(env, "expandMessages: the lengths run past the messages");
    expand_message(messages + at, lengths[i], dst_prime, dst_prime_length, out + 64 * i);
    at += lengths[i];
  }
  if (at != messages_length) return throw_error(env, "expandMessages: the lengths do not add up to the messages");
  return NULL;
}

/* hashToMontgomery(uniform: Uint8Array (64 bytes each), out: Uint8Array (32 bytes each)): number */
static napi_value hash_to_montgomery(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2) return throw_error(env, "hashToMontgomery(uniform, out)");
  uint8_t *uniform, *out;
  size_t uniform_length, out_length;
  if (!bytes_of(env, argv[0], &uniform, &uniform_length) || !bytes_of(env, argv[1], &out, &out_length)) return throw_error(env, "hashToMontgomery takes two Uint8Arrays");
  if (uniform_length % 64 != 0 || out_length * 2 != uniform_length) return throw_error(env, "hashToMontgomery: 64 bytes in and 32 out per selector");
  const long identity = uniform_length == 0 ? -1 : hash_batch(uniform, out, uniform_length / 64);
  if (identity == -2) return throw_error(env, "hashToMontgomery: out of memory");
  napi_value result;
  napi_create_int64(env, identity, &result);
  return result;
}

#ifdef HAVE_X25519_AVX2
/* x25519(scalar: Uint8Array (32 bytes), points: Uint8Array (32 bytes each), out: same length): number */
static napi_value x25519(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) return throw_error(env, "x25519(scalar, points, out)");
  uint8_t *scalar, *points, *out;
  size_t scalar_length, points_length, out_length;
  if (!bytes_of(env, argv[0], &scalar, &scalar_length) || !bytes_of(env, argv[1], &points, &points_length) || !bytes_of(env, argv[2], &out, &out_length)) return throw_error(env, "x25519 takes three Uint8Arrays");
  if (scalar_length != 32 || points_length % 32 != 0 || out_length != points_length) return throw_error(env, "x25519: a 32-byte scalar, and 32 bytes in and out per point");
  const long zero = points_length == 0 ? -1 : x25519_batch(scalar, points, out, points_length / 32);
  if (zero == -2) return throw_error(env, "x25519: out of memory");
  napi_value result;
  napi_create_int64(env, zero, &result);
  return result;
}

#endif /* HAVE_X25519_AVX2 */

NAPI_MODULE_INIT() {
  pthread_once(&constants_once, init_constants);
  if (!constants_ok) return throw_error(env, "curve25519: the field constants failed their self-check");
  napi_value fn;
  if (napi_create_function(env, "expandMessages", NAPI_AUTO_LENGTH, expand_messages, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "expandMessages", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "hashToMontgomery", NAPI_AUTO_LENGTH, hash_to_montgomery, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "hashToMontgomery", fn) != napi_ok) return NULL;
#ifdef HAVE_X25519_AVX2
  /* Without AVX2 (or off x86-64) there is no x25519 here, and psi.ts multiplies with libsodium. */
  if (__builtin_cpu_supports("avx2")) {
    if (napi_create_function(env, "x25519", NAPI_AUTO_LENGTH, x25519, NULL, &fn) != napi_ok) return NULL;
    if (napi_set_named_property(env, exports, "x25519", fn) != napi_ok) return NULL;
  }
#endif
  return exports;
}
