/* Runs the exported network on images from a file: raw 28x28 bytes, one image after another.
 * Prints, per image, the digit and the 10 scores; then, on stderr, microseconds per image. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "mnistlab_model.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: harness IMAGES_FILE COUNT\n");
    return 2;
  }
  long count = atol(argv[2]);
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  uint8_t *images = malloc((size_t)count * 784);
  if (!images || fread(images, 784, (size_t)count, f) != (size_t)count) {
    fprintf(stderr, "cannot read %ld images\n", count);
    return 2;
  }
  fclose(f);
  int *digits = malloc(sizeof(int) * (size_t)count);
  float *scores = malloc(sizeof(float) * 10 * (size_t)count);
  clock_t start = clock();
  for (long i = 0; i < count; i++) {
    digits[i] = mnistlab_classify(images + i * 784, scores + i * 10);
  }
  double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
  for (long i = 0; i < count; i++) {
    printf("%d", digits[i]);
    for (int c = 0; c < 10; c++) {
      printf(" %.9g", scores[i * 10 + c]);
    }
    printf("\n");
  }
  fprintf(stderr, "us_per_image %.3f\n", 1e6 * seconds / (double)count);
  return 0;
}
