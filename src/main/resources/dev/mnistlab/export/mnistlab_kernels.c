/* The network's operations, one image at a time, values C x H x W in row-major order. */

/* @kernel argmax */
static int argmax(const float *x, int n) {
  int best = 0;
  for (int i = 1; i < n; i++) {
    if (x[i] > x[best]) {
      best = i;
    }
  }
  return best;
}

/* @kernel conv_f32 */
/* Convolution with zero padding, dilation and groups; w is out x in/groups x k x k. */
static void conv_f32(const float *x, int c, int h, int w_, int o, int oh, int ow, int k, int s,
                     int p, int d, int g, const float *w, const float *bias, float *y) {
  int in_per = c / g, out_per = o / g;
  for (int oc = 0; oc < o; oc++) {
    int group = oc / out_per;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        float sum = bias[oc];
        for (int ic = 0; ic < in_per; ic++) {
          const float *xc = x + (group * in_per + ic) * h * w_;
          const float *wk = w + ((oc * in_per + ic) * k) * k;
          for (int ky = 0; ky < k; ky++) {
            int iy = oy * s - p + ky * d;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < k; kx++) {
              int ix = ox * s - p + kx * d;
              if (ix >= 0 && ix < w_) {
                sum += wk[ky * k + kx] * xc[iy * w_ + ix];
              }
            }
          }
        }
        y[(oc * oh + oy) * ow + ox] = sum;
      }
    }
  }
}

/* @kernel quantize */
/* A layer input's uint8 codes: clamp(round_half_even(x / scale) + zero, 0, 255), as ONNX's
 * QuantizeLinear computes them. */
static void quantize(const float *x, long n, float scale, int zero, uint8_t *q) {
  for (long i = 0; i < n; i++) {
    float v = nearbyintf(x[i] / scale) + (float)zero;
    q[i] = (uint8_t)(v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v));
  }
}

/* @kernel conv_q8 */
/* The int8 convolution: sum of (code - zero) * weight in 32 bits, exact; then one multiply by
 * scale[oc] (input scale x weight scale) and the bias. Padding is the code of 0, the zero point. */
static void conv_q8(const uint8_t *x, int zero, int c, int h, int w_, int o, int oh, int ow,
                    int k, int s, int p, int d, int g, const int8_t *w, const float *scale,
                    const float *bias, float *y) {
  int in_per = c / g, out_per = o / g;
  for (int oc = 0; oc < o; oc++) {
    int group = oc / out_per;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int32_t acc = 0;
        for (int ic = 0; ic < in_per; ic++) {
          const uint8_t *xc = x + (group * in_per + ic) * h * w_;
          const int8_t *wk = w + ((oc * in_per + ic) * k) * k;
          for (int ky = 0; ky < k; ky++) {
            int iy = oy * s - p + ky * d;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < k; kx++) {
              int ix = ox * s - p + kx * d;
              if (ix >= 0 && ix < w_) {
                acc += ((int32_t)xc[iy * w_ + ix] - zero) * (int32_t)wk[ky * k + kx];
              }
            }
          }
        }
        y[(oc * oh + oy) * ow + ox] = (float)acc * scale[oc] + bias[oc];
      }
    }
  }
}

/* @kernel linear_f32 */
static void linear_f32(const float *x, int n, const float *w, const float *bias, int out,
                       float *y) {
  for (int o = 0; o < out; o++) {
    float sum = bias[o];
    for (int i = 0; i < n; i++) {
      sum += w[o * n + i] * x[i];
    }
    y[o] = sum;
  }
}

/* @kernel linear_q8 */
static void linear_q8(const uint8_t *x, int zero, int n, const int8_t *w, const float *scale,
                      const float *bias, int out, float *y) {
  for (int o = 0; o < out; o++) {
    int32_t acc = 0;
    for (int i = 0; i < n; i++) {
      acc += ((int32_t)x[i] - zero) * (int32_t)w[o * n + i];
    }
    y[o] = (float)acc * scale[o] + bias[o];
  }
}

/* @kernel affine */
static void affine(float *x, int c, int plane, const float *scale, const float *shift) {
  for (int ch = 0; ch < c; ch++) {
    for (int i = 0; i < plane; i++) {
      x[ch * plane + i] = x[ch * plane + i] * scale[ch] + shift[ch];
    }
  }
}

/* @kernel relu */
static void relu(float *x, long n) {
  for (long i = 0; i < n; i++) {
    x[i] = x[i] > 0.0f ? x[i] : 0.0f;
  }
}

/* @kernel max_pool */
static void max_pool(const float *x, int c, int h, int w, int k, int s, int oh, int ow,
                     float *y) {
  for (int ch = 0; ch < c; ch++) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        float best = x[(ch * h + oy * s) * w + ox * s];
        for (int ky = 0; ky < k; ky++) {
          for (int kx = 0; kx < k; kx++) {
            float v = x[(ch * h + oy * s + ky) * w + ox * s + kx];
            best = v > best ? v : best;
          }
        }
        y[(ch * oh + oy) * ow + ox] = best;
      }
    }
  }
}

/* @kernel avg_pool */
static void avg_pool(const float *x, int c, int h, int w, int k, int s, int oh, int ow,
                     float *y) {
  for (int ch = 0; ch < c; ch++) {
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        float sum = 0.0f;
        for (int ky = 0; ky < k; ky++) {
          for (int kx = 0; kx < k; kx++) {
            sum += x[(ch * h + oy * s + ky) * w + ox * s + kx];
          }
        }
        y[(ch * oh + oy) * ow + ox] = sum / (float)(k * k);
      }
    }
  }
}

/* @kernel gap */
static void gap(const float *x, int c, int plane, float *y) {
  for (int ch = 0; ch < c; ch++) {
    float sum = 0.0f;
    for (int i = 0; i < plane; i++) {
      sum += x[ch * plane + i];
    }
    y[ch] = sum / (float)plane;
  }
}

/* @kernel sigmoid_scale */
/* Squeeze-and-excitation's last step: each channel times sigmoid(its gate). */
static void sigmoid_scale(float *x, int c, int plane, const float *gate) {
  for (int ch = 0; ch < c; ch++) {
    float g = 1.0f / (1.0f + expf(-gate[ch]));
    for (int i = 0; i < plane; i++) {
      x[ch * plane + i] *= g;
    }
  }
}

/* @kernel softmax */
static void softmax(float *x, long n) {
  float max = x[0], sum = 0.0f;
  for (long i = 1; i < n; i++) {
    max = x[i] > max ? x[i] : max;
  }
  for (long i = 0; i < n; i++) {
    x[i] = expf(x[i] - max);
    sum += x[i];
  }
  for (long i = 0; i < n; i++) {
    x[i] /= sum;
  }
}

/* @kernel log_softmax */
static void log_softmax(float *x, long n) {
  float max = x[0], sum = 0.0f;
  for (long i = 1; i < n; i++) {
    max = x[i] > max ? x[i] : max;
  }
  for (long i = 0; i < n; i++) {
    sum += expf(x[i] - max);
  }
  float log_sum = logf(sum) + max;
  for (long i = 0; i < n; i++) {
    x[i] -= log_sum;
  }
}

/* @kernel log_of_probabilities */
/* The logarithm of a probabilities head, clipped at 1e-12 as the ONNX model does. */
static void log_of_probabilities(float *x, long n) {
  for (long i = 0; i < n; i++) {
    float v = x[i] < 1e-12f ? 1e-12f : (x[i] > 1.0f ? 1.0f : x[i]);
    x[i] = logf(v);
  }
}
