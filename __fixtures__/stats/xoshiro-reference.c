/*
 * Reference stream for src/stats/random.ts, from the authors' C code.
 *
 * How __fixtures__/stats/xoshiro-reference.json was recorded (repository root):
 *   gcc -O2 -o /tmp/xoshiro-reference __fixtures__/stats/xoshiro-reference.c
 *   /tmp/xoshiro-reference > __fixtures__/stats/xoshiro-reference.json
 *   npx prettier --write __fixtures__/stats/xoshiro-reference.json
 * (gcc 12.2, Debian bookworm, x86-64).
 *
 * xoshiro128** 1.1: https://prng.di.unimi.it/xoshiro128starstar.c (Blackman & Vigna,
 * public domain). splitmix32 seeding: https://github.com/bryc/code/blob/master/jshash/PRNGs.md
 * The seed 42 fills the state as createRandom(42) does (high 32 bits of the seed are 0).
 */
#include <stdint.h>
#include <stdio.h>

static uint32_t s[4];

static inline uint32_t rotl(const uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

uint32_t next(void) {
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

static uint32_t mix_state;
static uint32_t splitmix32(void) {
  mix_state += 0x9e3779b9u;
  uint32_t t = mix_state ^ (mix_state >> 16);
  t *= 0x21f0aaadu;
  t ^= t >> 15;
  t *= 0x735a2d97u;
  return t ^ (t >> 15);
}

int main(void) {
  const uint32_t seeds[] = {42u, 0u, 4294967295u};
  printf("{\n \"recorded\": \"gcc -O2 __fixtures__/stats/xoshiro-reference.c, first outputs\",\n");
  printf(" \"streams\": [\n");
  for (int k = 0; k < 3; k++) {
    mix_state = seeds[k];
    for (int i = 0; i < 4; i++) s[i] = splitmix32();
    printf("  {\"seed\": %u, \"uint32\": [", seeds[k]);
    uint32_t words[16];
    for (int i = 0; i < 16; i++) {
      words[i] = next();
      printf("%s%u", i ? ", " : "", words[i]);
    }
    /* next(): ((a >> 5) * 2^26 + (b >> 6)) / 2^53 from two consecutive words */
    printf("], \"double\": [");
    for (int i = 0; i < 8; i++) {
      double x = ((double)(words[2 * i] >> 5) * 67108864.0 + (double)(words[2 * i + 1] >> 6)) /
                 9007199254740992.0;
      printf("%s%.17g", i ? ", " : "", x);
    }
    printf("]}%s\n", k < 2 ? "," : "");
  }
  printf(" ]\n}\n");
  return 0;
}
