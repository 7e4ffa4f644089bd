package dev.mnistlab.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mnistlab.DigitClassifier;
import dev.mnistlab.data.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code POST /api/predict} carried, read but not yet decoded: picture files (raw bytes or
 * multipart parts) or 28×28 pixel arrays (JSON). {@link #answer} decodes and classifies them with
 * exactly the preprocessing of {@code mnistlab predict} ({@link DigitClassifier#predictImages}).
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
