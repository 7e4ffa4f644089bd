package dev.mnistlab;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies run one way, as docs/ARCHITECTURE.md draws them: a package uses only
 * those below it. A new dependency upwards fails here, naming the classes.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.mnistlab");
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    slices().matching("dev.mnistlab.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void eachLayerIsUsedOnlyFromAbove() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("cli")
        .definedBy("dev.mnistlab.cli..")
        .layer("board")
        .definedBy("dev.mnistlab.board..")
        .layer("serve")
        .definedBy("dev.mnistlab.serve..")
        .layer("bench")
        .definedBy("dev.mnistlab.bench..")
        .layer("java api")
        .definedBy("dev.mnistlab")
        .layer("search")
        .definedBy("dev.mnistlab.search..")
        .layer("report")
        .definedBy("dev.mnistlab.report..")
        .layer("experiment")
        .definedBy("dev.mnistlab.experiment..")
        .layer("jobs")
        .definedBy("dev.mnistlab.jobs..")
        .layer("train")
        .definedBy("dev.mnistlab.train..")
        .layer("run")
        .definedBy("dev.mnistlab.run..")
        .layer("config")
        .definedBy("dev.mnistlab.config..")
        .layer("eval")
        .definedBy("dev.mnistlab.eval..")
        .layer("export")
        .definedBy("dev.mnistlab.export..")
        .layer("engine")
        .definedBy("dev.mnistlab.engine..")
        .layer("model")
        .definedBy("dev.mnistlab.model..")
        .layer("data")
        .definedBy("dev.mnistlab.data..")
        .layer("io")
        .definedBy("dev.mnistlab.io..")
        .layer("text")
        .definedBy("dev.mnistlab.text..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("board")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("serve")
        .mayOnlyBeAccessedByLayers("cli", "board")
        .whereLayer("bench")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("java api")
        .mayOnlyBeAccessedByLayers("cli", "board", "serve", "bench")
        .whereLayer("search")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("report")
        .mayOnlyBeAccessedByLayers("cli", "search")
        .whereLayer("experiment")
        .mayOnlyBeAccessedByLayers("cli", "search", "report")
        .whereLayer("jobs")
        .mayOnlyBeAccessedByLayers("cli", "search", "experiment")
        .whereLayer("train")
        .mayOnlyBeAccessedByLayers("cli", "bench", "search", "report", "experiment", "jobs")
        .whereLayer("run")
        .mayOnlyBeAccessedByLayers(
            "cli",
            "board",
            "serve",
            "bench",
            "java api",
            "search",
            "report",
            "experiment",
            "jobs",
            "train")
        .whereLayer("config")
        .mayOnlyBeAccessedByLayers(
            "cli", "board", "bench", "search", "report", "experiment", "jobs", "train", "run")
        .whereLayer("eval")
        .mayOnlyBeAccessedByLayers(
            "cli", "bench", "java api", "search", "report", "experiment", "train", "run")
        .whereLayer("export")
        .mayOnlyBeAccessedByLayers("cli", "eval")
        .whereLayer("engine")
        .mayOnlyBeAccessedByLayers(
            "cli",
            "serve",
            "bench",
            "java api",
            "search",
            "report",
            "experiment",
            "jobs",
            "train",
            "run",
            "eval")
        .check(classes);
  }
}
