package dev.mnistlab.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mnistlab.DigitClassifier;
import dev.mnistlab.data.ImageFiles;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one {@code POST /api/predict} carried, read but not yet decoded: picture files (raw bytes or
 * multipart parts) or 28×28 pixel arrays (JSON). {@link #from} reads and bounds the body, and
 * refuses it with the status and message the client sees; {@link #answer} decodes and classifies
 * the images with exactly the preprocessing of {@code mnistlab predict} ({@link
 * DigitClassifier#predictImages}).
 */
sealed interface PredictRequest {
  /** JSON reader: NaN and Infinity are read as numbers so the pixel check can name them. */
  ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** What the JSON body must look like, for messages. */
  String JSON_SHAPE =
      "send {\"pixels\": [784 numbers in 0..1]} or {\"batch\": [[784 numbers], ...]}";

  /** A picture file as uploaded. */
  record Picture(String name, byte[] bytes) {}

  /**
   * Pictures to decode: one sent as the request body, or any number sent as multipart parts.
   *
   * @param batch true when the answer is a list ({@code multipart/form-data})
   */
  record Pictures(List<Picture> pictures, boolean batch) implements PredictRequest {
    @Override
    public int size() {
      return pictures.size();
    }

    @Override
    public List<DigitClassifier.Prediction> classify(DigitClassifier classifier, long maxPixels) {
      List<BufferedImage> images = new ArrayList<>(pictures.size());
      for (Picture picture : pictures) {
        images.add(decode(picture, maxPixels));
      }
      return classifier.predictImages(images);
    }

    @Override
    public String name(int index) {
      return batch ? pictures.get(index).name() : null;
    }
  }

  /**
   * 28×28 images given as pixels in [0, 1], row-major, white ink on black.
   *
   * @param batch true when the answer is a list ({@code {"batch": [...]}})
   */
  record Pixels(List<float[]> images, boolean batch) implements PredictRequest {
    @Override
    public int size() {
      return images.size();
    }

    @Override
    public List<DigitClassifier.Prediction> classify(DigitClassifier classifier, long maxPixels) {
      try {
        return classifier.predictBatch(images);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage()); // names the image and the value
      }
    }

    @Override
    public String name(int index) {
      return null;
    }
  }

  /** How many images the request carries. */
  int size();

  /** True when the answer is a list. */
  boolean batch();

  /** Decodes and classifies every image, in order. */
  List<DigitClassifier.Prediction> classify(DigitClassifier classifier, long maxPixels);

  /** What to call image {@code index} in its answer, or null. */
  String name(int index);

  /**
   * A refused body up to this many times the limit is still read (and dropped) so the client gets
   * its 413; a larger one is refused without reading, and the connection closed.
   */
  long DRAIN_FACTOR = 4;

  /**
   * Reads a {@code POST /api/predict} body by its content type, never more than the body limit, and
   * checks that it carries at least one image and no more than the batch limit.
   *
   * @throws ApiException 400 (unreadable, no images, too many), 413 (over the body limit) or 415 (a
   *     content type not taken), with the message the client sees
   */
  static PredictRequest from(Context ctx, ServerLimits limits) {
    PredictRequest request = read(ctx, limits);
    if (request.size() == 0) {
      throw ApiException.badRequest("no images in the request");
    }
    if (request.size() > limits.maxBatch()) {
      throw ApiException.badRequest(
          request.size()
              + " images in one request; this server takes at most "
              + limits.maxBatch());
    }
    return request;
  }

  /** Reads the body by its content type, never more than the body limit. */
  private static PredictRequest read(Context ctx, ServerLimits limits) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > limits.maxBodyBytes()) {
      if (declared <= DRAIN_FACTOR * limits.maxBodyBytes()) {
        discardBody(ctx);
      }
      throw ApiException.tooLarge(tooLargeMessage(declared, limits));
    }
    String type = mediaType(ctx.contentType());
    if (type.equals("application/json")) {
      return ofJson(body(ctx, limits));
    }
    if (type.equals("multipart/form-data")) {
      List<Picture> pictures = new ArrayList<>();
      for (UploadedFile file : uploadedFiles(ctx, limits)) {
        if (pictures.size() == limits.maxBatch()) {
          throw ApiException.badRequest(
              "more than " + limits.maxBatch() + " pictures in one request");
        }
        try (InputStream in = file.content()) {
          byte[] bytes = bounded(in, limits);
          if (bytes == null) {
            throw ApiException.tooLarge(tooLargeMessage(-1, limits));
          }
          pictures.add(new Picture(file.filename(), bytes));
        } catch (IOException e) {
          throw ApiException.badRequest("cannot read " + file.filename() + ": " + e.getMessage());
        }
      }
      return new Pictures(pictures, true);
    }
    if (type.isEmpty() || type.startsWith("image/") || type.equals("application/octet-stream")) {
      return new Pictures(List.of(new Picture("the picture", body(ctx, limits))), false);
    }
    throw ApiException.unsupported(
        "Content-Type "
            + type
            + " is not taken: send a picture's bytes (image/png, image/jpeg, image/bmp,"
            + " image/gif), multipart/form-data, or application/json");
  }

  private static List<UploadedFile> uploadedFiles(Context ctx, ServerLimits limits) {
    try {
      return ctx.uploadedFiles();
    } catch (RuntimeException e) {
      // Jetty refuses a multipart body over its limits with an IllegalStateException.
      String message = DigitServer.rootMessage(e);
      if (message.toLowerCase(Locale.ROOT).contains("exceed")) {
        throw ApiException.tooLarge(tooLargeMessage(-1, limits));
      }
      throw ApiException.badRequest("not a readable multipart/form-data body: " + message);
    }
  }

  private static byte[] body(Context ctx, ServerLimits limits) {
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] bytes = bounded(in, limits);
      if (bytes == null) {
        discard(in, (DRAIN_FACTOR - 1) * limits.maxBodyBytes());
        throw ApiException.tooLarge(tooLargeMessage(-1, limits));
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  /** Reads at most the body limit, or returns null when there is more. */
  private static byte[] bounded(InputStream in, ServerLimits limits) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxBodyBytes() + 1));
    return bytes.length > limits.maxBodyBytes() ? null : bytes;
  }

  /**
   * Reads and drops a refused body that is still being sent, so that the client reads the 413
   * rather than a connection reset (a browser uploading a large photo would otherwise show only a
   * network error). A client that asked to wait ({@code Expect: 100-continue}) has sent nothing.
   */
  private static void discardBody(Context ctx) {
    String expect = ctx.header("Expect");
    if (expect != null && expect.toLowerCase(Locale.ROOT).contains("100-continue")) {
      return;
    }
    try (InputStream in = ctx.bodyInputStream()) {
      discard(in, Long.MAX_VALUE);
    } catch (IOException e) {
      // the client went away: nothing to answer
    }
  }

  private static void discard(InputStream in, long most) {
    byte[] buffer = new byte[64 * 1024];
    try {
      for (long read = 0; read < most; ) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        read += n;
      }
    } catch (IOException e) {
      // the client went away: nothing to answer
    }
  }

  private static String tooLargeMessage(long declared, ServerLimits limits) {
    return String.format(
        Locale.ROOT,
        "the request body%s is more than the %,d bytes this server takes",
        declared < 0 ? "" : String.format(Locale.ROOT, " (%,d bytes)", declared),
        limits.maxBodyBytes());
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  /** Several answers, in the order of the request. */
  record Batch(List<Answer> predictions) {}

  /** The JSON body: exactly one of the two fields. */
  record PixelsBody(float[] pixels, float[][] batch) {}

  /**
   * Reads a JSON body: {@code {"pixels": [784 numbers]}} or {@code {"batch": [[784], ...]}}.
   *
   * @throws ApiException 400 when it is not such JSON
   */
  static Pixels ofJson(byte[] body) {
    PixelsBody parsed;
    try {
      parsed = JSON.readValue(body, PixelsBody.class);
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest(
          "unknown field \"" + e.getPropertyName() + "\"; " + JSON_SHAPE + where(e));
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage().lines().findFirst().orElse("");
      int source = message.indexOf(" (start marker at");
      throw ApiException.badRequest(
          "not valid JSON: "
              + (source < 0 ? message : message.substring(0, source))
              + where(e)
              + "; "
              + JSON_SHAPE);
    } catch (IOException e) {
      throw ApiException.badRequest("cannot read the JSON body: " + e.getMessage());
    }
    if (parsed == null || (parsed.pixels() == null) == (parsed.batch() == null)) {
      throw ApiException.badRequest("give exactly one of the two fields; " + JSON_SHAPE);
    }
    if (parsed.pixels() != null) {
      return new Pixels(List.of(parsed.pixels()), false);
    }
    List<float[]> images = new ArrayList<>(parsed.batch().length);
    for (float[] image : parsed.batch()) {
      images.add(image);
    }
    return new Pixels(images, true);
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  /**
   * Decodes, preprocesses and classifies.
   *
   * @param maxPixels most pixels a picture's header may claim
   * @param withImages whether each answer carries the 28×28 picture the network saw
   * @return one {@link Answer}, or a {@link Batch}
   * @throws ApiException 400, 413 or 415 naming the picture or value at fault
   */
  default Object answer(DigitClassifier classifier, long maxPixels, boolean withImages) {
    List<DigitClassifier.Prediction> predictions = classify(classifier, maxPixels);
    List<Answer> answers = new ArrayList<>(predictions.size());
    for (int i = 0; i < predictions.size(); i++) {
      answers.add(Answer.of(name(i), predictions.get(i), withImages));
    }
    return batch() ? new Batch(answers) : answers.get(0);
  }

  /** Decodes one picture; refusals become 415 (not a picture), 413 (too large) or 400. */
  private static BufferedImage decode(Picture picture, long maxPixels) {
    try {
      return ImageFiles.read(new ByteArrayInputStream(picture.bytes()), picture.name(), maxPixels);
    } catch (ImageFiles.NotAnImageException e) {
      throw switch (e.refusal()) {
        case NOT_AN_IMAGE -> ApiException.unsupported(e.getMessage());
        case TOO_LARGE -> ApiException.tooLarge(e.getMessage());
        case DAMAGED -> ApiException.badRequest(e.getMessage());
      };
    }
  }
}
