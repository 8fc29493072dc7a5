package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defects the CLI campaign found (docs/reliability.md): each was a hang, a memory blow-up or a stack trace, and is
 * now a one-line error (exit 2) before any work.
 */
class CliFuzzRegressionTest {

  @BeforeAll
  static void home() {
    System.setProperty("pimllm.home", "..");
  }

  @Test
  void generateLayersBeyondTheModelAreRefused() {
    // was: built 2^31 - 1 transformer layers of gpt2-tiny (hang)
    NewUserCommandTest.assertOneLineError(MainTest.run("generate", "--model", "gpt2-tiny", "--layers", "2147483647",
        "--prompt-len", "4", "--tokens", "3", "--variants", "pimllm", "--dpus", "64"),
        "--layers must be between 1 and the 2 layers of gpt2-tiny");
  }

  @Test
  void generatePositionsAreCountedWithoutOverflow() {
    // was: 4 + 2147483647 - 1 wrapped to a negative number and passed the position check
    NewUserCommandTest.assertOneLineError(MainTest.run("generate", "--model", "gpt2-tiny", "--prompt-len", "4",
        "--tokens", "2147483647", "--variants", "pimllm", "--dpus", "64"), "needs 2147483650 positions");
  }

  @Test
  void compileCalibrationSamplesAreBounded() {
    // was: 2^31 - 1 reference-interpreter runs (hang)
    NewUserCommandTest.assertOneLineError(MainTest.run("compile", "--model", "bert-tiny", "--layers", "1", "--seq", "16",
        "--calibrate", "2147483647"), "--calibrate takes at most 1000 samples");
  }

  @Test
  void tuneRandomSuiteCountIsBounded() {
    // was: 2^31 - 1 cases (hours, 6 GB of outcomes); 0 and negative counts are refused too
    for (String n : new String[] {"2147483647", "0", "-5"}) {
      NewUserCommandTest.assertOneLineError(MainTest.run("tune", "--suite", "random", "--count", n, "--no-progress"),
          "--count must be between 1 and 10000");
    }
  }

  @Test
  void gemvMicrobenchmarkChecksTheDpuCountFirst() {
    // was: OutOfMemoryError ("Requested array size exceeds VM limit") sizing per-DPU tables for 2^31 - 1 DPUs
    NewUserCommandTest.assertOneLineError(MainTest.run("microbench", "gemv", "--rows", "64", "--cols", "64", "--dpus",
        "2147483647", "--tasklets", "4"), "cannot allocate 2147483647 DPUs");
    NewUserCommandTest.assertOneLineError(MainTest.run("microbench", "prim", "MLP", "--param", "256", "--dpus",
        "2147483647"), "cannot allocate 2147483647 DPUs");
  }

  @Test
  void anOutputThatCannotBeCreatedSaysWhyNotTheExceptionName() {
    // was: "--csv /proc/pimllm-fuzz.json cannot be written: NoSuchFileException"
    MainTest.Result r = MainTest.run("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--variants", "cpu",
        "--no-progress", "--csv", "/proc/pimllm-fuzz.csv");
    NewUserCommandTest.assertOneLineError(r, "--csv /proc/pimllm-fuzz.csv cannot be written: no such file");
  }

  @Test
  void functionalGenerateOfABigModelIsRefusedAtOnce() {
    // was: llama-7b --functional ran for minutes into a 4.5 GB heap (bench --functional had this check already)
    NewUserCommandTest.assertOneLineError(MainTest.run("generate", "--model", "llama-7b", "--functional", "--prompt-len",
        "4", "--tokens", "2", "--variants", "pimllm"), "more than the 200 MiB this check allows");
  }

  @Test
  void functionalGemmThatCannotFitTheHeapSaysSoFirst() {
    // was: OutOfMemoryError with a stack trace after seconds of pushing data (issue 15)
    MainTest.Result r = MainTest.run("gemm", "--m", "16384", "--k", "16384", "--n", "16384", "--strategy", "auto",
        "--functional");
    NewUserCommandTest.assertOneLineError(r, "--functional needs about");
    assertTrue(r.err().contains("GiB of Java heap") && r.err().contains("drop --functional"), r.err());
  }

  @Test
  void anEmptyDumpDirIsRefusedInsteadOfWritingIntoTheWorkingDirectory() {
    // was: the CLI campaign's unwritable-path case "" dumped 22 IR files into the module folder
    NewUserCommandTest.assertOneLineError(MainTest.run("compile", "--model", "bert-tiny", "--layers", "1", "--seq", "8",
        "--print-ir", "none", "--dump-dir", ""), "--dump-dir needs a folder name, got an empty path");
  }

  @Test
  void benchDecodePromptAndTokensThatOverflowIntAreAClearError() {
    // was: --seq + --tokens summed in int wrapped negative and passed the positions check (generate's had the guard)
    NewUserCommandTest.assertOneLineError(MainTest.run("bench", "--phase", "decode", "--models", "llama-7b", "--seq",
        "2147483647", "--tokens", "2", "--no-progress"), "needs 2147483648 positions");
  }
}
