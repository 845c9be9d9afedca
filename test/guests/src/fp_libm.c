/* Compiled C with picolibc's libm and stdio (Debian picolibc, rv64imafdc/lp64d): sin, cos, tan,
 * exp, log, pow, sqrt, atan2, fmod and friends in double and float over ranges of inputs,
 * printed with printf("%.17g") (and %a, %e, %f), strtod, and the compiler's own double code
 * (loops, conversions, soft division by constants). Any difference in an FP instruction's
 * result shows up in the printed digits. stdout is a picolibc FILE whose put function writes
 * the UART. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt.h"

static int uart_put(char c, FILE *f) { (void)f; putc_(c); return (unsigned char)c; }
static FILE uart_file = FDEV_SETUP_STREAM(uart_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &uart_file;
FILE *const stderr = &uart_file;
FILE *const stdin = &uart_file;

void _exit(int code) { exit_(code); }

/* Thread-local storage for picolibc (errno). */
extern void _init_tls(void *tls);
extern void _set_tls(void *tls);
extern char __tls_size[];
static char tls_block[256] __attribute__((aligned(64)));

typedef double (*f1)(double);
typedef double (*f2)(double, double);
typedef float (*g1)(float);

static const double inputs[] = {
  0.0, -0.0, 1e-310, 2.2250738585072014e-308, 1e-20, 1e-8, 0.1, 0.25, 0.5, 0.7853981633974483,
  1.0, 1.5, 2.0, 2.718281828459045, 3.141592653589793, 4.5, 10.0, 22.0, 100.0, 710.0,
  1e10, 1e22, 1e300, 1.7976931348623157e308, -0.1, -0.5, -1.0, -2.5, -3.141592653589793, -100.0,
  -745.2, -1e300, 1.0000000000000002, 0.9999999999999999, 0.6931471805599453, 5e-324,
};
#define NIN ((int)(sizeof inputs / sizeof inputs[0]))

static void table1(const char *name, f1 f) {
  for (int i = 0; i < NIN; i++) printf("%s(%.17g) = %.17g\n", name, inputs[i], f(inputs[i]));
}
static void table2(const char *name, f2 f, int stride) {
  for (int i = 0; i < NIN; i += stride)
    for (int j = 0; j < NIN; j += stride) printf("%s(%.17g, %.17g) = %.17g\n", name, inputs[i], inputs[j], f(inputs[i], inputs[j]));
}
static void tablef(const char *name, g1 f) {
  for (int i = 0; i < NIN; i++) { float x = (float)inputs[i]; printf("%s(%.9g) = %.9g\n", name, (double)x, (double)f(x)); }
}

static double d_sin(double x) { return sin(x); }
static double d_cos(double x) { return cos(x); }
static double d_tan(double x) { return tan(x); }
static double d_exp(double x) { return exp(x); }
static double d_log(double x) { return log(x); }
static double d_log10(double x) { return log10(x); }
static double d_sqrt(double x) { return sqrt(x); }
static double d_cbrt(double x) { return cbrt(x); }
static double d_atan(double x) { return atan(x); }
static double d_asin(double x) { return asin(x); }
static double d_acos(double x) { return acos(x); }
static double d_sinh(double x) { return sinh(x); }
static double d_tanh(double x) { return tanh(x); }
static double d_expm1(double x) { return expm1(x); }
static double d_log1p(double x) { return log1p(x); }
static double d_floor(double x) { return floor(x); }
static double d_round(double x) { return round(x); }
static double d_rint(double x) { return rint(x); }
static double d_pow(double x, double y) { return pow(x, y); }
static double d_atan2(double x, double y) { return atan2(x, y); }
static double d_fmod(double x, double y) { return fmod(x, y); }
static double d_hypot(double x, double y) { return hypot(x, y); }
static double d_remainder(double x, double y) { return remainder(x, y); }
static double d_nextafter(double x, double y) { return nextafter(x, y); }
static float f_sin(float x) { return sinf(x); }
static float f_exp(float x) { return expf(x); }
static float f_log(float x) { return logf(x); }
static float f_sqrt(float x) { return sqrtf(x); }

int main(void) {
  if ((unsigned long)__tls_size > sizeof tls_block) { line("TLS block too small"); exit_(2); }
  _init_tls(tls_block);
  _set_tls(tls_block);
  printf("fp_libm: picolibc libm and printf on the UART\n");
  table1("sin", d_sin); table1("cos", d_cos); table1("tan", d_tan);
  table1("exp", d_exp); table1("log", d_log); table1("log10", d_log10);
  table1("sqrt", d_sqrt); table1("cbrt", d_cbrt); table1("atan", d_atan);
  table1("asin", d_asin); table1("acos", d_acos); table1("sinh", d_sinh); table1("tanh", d_tanh);
  table1("expm1", d_expm1); table1("log1p", d_log1p);
  table1("floor", d_floor); table1("round", d_round); table1("rint", d_rint);
  table2("pow", d_pow, 3); table2("atan2", d_atan2, 3); table2("fmod", d_fmod, 3);
  table2("hypot", d_hypot, 5); table2("remainder", d_remainder, 5); table2("nextafter", d_nextafter, 7);
  tablef("sinf", f_sin); tablef("expf", f_exp); tablef("logf", f_log); tablef("sqrtf", f_sqrt);

  /* Formats and parsing. */
  static const char *const strs[] = { "0.1", "1e-310", "2.2250738585072011e-308", "123456789012345678901234567890",
    "3.14159265358979323846", "-0", "inf", "nan", "0x1.8p1", "4.9406564584124654e-324", "1.7976931348623158e308" };
  for (int i = 0; i < (int)(sizeof strs / sizeof strs[0]); i++) {
    double v = strtod(strs[i], NULL);
    printf("strtod(%s) = %.17g %a %e %.3f\n", strs[i], v, v, v, v);
  }
  /* Compiled double code: a series, a recurrence, conversions and integer rounding. */
  double s = 0, p = 1;
  for (int k = 1; k <= 2000; k++) { s += 1.0 / ((double)k * k); p *= 1.0 + 1.0 / (k * 1000.0); }
  printf("basel %.17g prod %.17g pi %.17g\n", s, p, sqrt(6 * s));
  double x = 0.5;
  for (int k = 0; k < 1000; k++) x = 3.9 * x * (1 - x); /* logistic map: every rounding matters */
  printf("logistic %.17g\n", x);
  float fx = 0.5f;
  for (int k = 0; k < 1000; k++) fx = 3.9f * fx * (1 - fx);
  printf("logisticf %.9g\n", (double)fx);
  long acc = 0;
  for (int k = -50; k <= 50; k++) acc = acc * 31 + (long)(k * 0.37) + lround(k * 0.5) + (long)llrint(k * 1.5);
  printf("conv %ld\n", acc);
  int ex; double fr = frexp(1234.5678, &ex);
  printf("frexp %.17g %d ldexp %.17g fma %.17g\n", fr, ex, ldexp(fr, ex + 3), fma(0.1, 10.0, -1.0));
#ifdef SHOW_ICOUNT
  sig("minstret", csr_read(minstret));
#endif
  printf("done\n");
  return 0;
}
