package org.pimllm.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pimllm.passes.ModuleGraphViolationFixture;

/**
 * The module graph of docs/architecture.md, checked on the main classes of every module (this module's tests see
 * them all). Each module is its package: org.pimllm.sim is pimllm-sim, org.pimllm.target is pimllm-target, ...
 * A new dependency against these rules fails the build.
 */
class ModuleGraphTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pimllm");

    /** PGEMMlib's plan value types, which the target layer's API carries (a plan and what it is made of). */
    private static final Set<String> PLAN_TYPES = Set.of("TilingPlan", "GemmShape", "GemmDType", "Layout", "Strategy",
            "Partition", "KernelParams");

    private static final DescribedPredicate<JavaClass> PLAN_VALUE_TYPE = DescribedPredicate.describe(
            "a plan value type of org.pimllm.pgemm " + PLAN_TYPES, c -> c.getPackageName().equals("org.pimllm.pgemm")
                    && PLAN_TYPES.contains(outermost(c).getSimpleName()));

    private static final DescribedPredicate<JavaClass> HARDWARE_CONFIG = DescribedPredicate.describe(
            "org.pimllm.sim.HardwareConfig (and its nested records)",
            c -> outermost(c).getName().equals("org.pimllm.sim.HardwareConfig"));

    private static JavaClass outermost(JavaClass c) {
        JavaClass o = c;
        while (o.getEnclosingClass().isPresent()) o = o.getEnclosingClass().get();
        return o;
    }

    /** Classes of the project outside {@code allowed} (package prefixes, each with its subpackages). */
    private static DescribedPredicate<JavaClass> oursOutside(String... allowed) {
        return DescribedPredicate.describe("classes of org.pimllm outside " + String.join(", ", allowed), c -> {
            if (!c.getPackageName().startsWith("org.pimllm.")) return false;
            for (String a : allowed) {
                if (c.getPackageName().equals(a) || c.getPackageName().startsWith(a + ".")) return false;
            }
            return true;
        });
    }

    private static ArchRule onlyDependsOn(String module, String... allowed) {
        String[] all = new String[allowed.length + 1];
        all[0] = module;
        System.arraycopy(allowed, 0, all, 1, allowed.length);
        return noClasses().that().resideInAPackage(module + "..").should().dependOnClassesThat(oursOutside(all));
    }

    static final ArchRule SIM = onlyDependsOn("org.pimllm.sim");
    static final ArchRule PGEMM = onlyDependsOn("org.pimllm.pgemm", "org.pimllm.sim");
    static final ArchRule TILESELECTOR = onlyDependsOn("org.pimllm.tileselector", "org.pimllm.pgemm", "org.pimllm.sim",
            "org.pimllm.target");
    static final ArchRule IR = onlyDependsOn("org.pimllm.ir");
    static final ArchRule MODELS = onlyDependsOn("org.pimllm.models", "org.pimllm.ir");
    static final ArchRule HOSTBLAS = onlyDependsOn("org.pimllm.hostblas");

    static final ArchRule TARGET = noClasses().that().resideInAPackage("org.pimllm.target..").should()
            .dependOnClassesThat(oursOutside("org.pimllm.target", "org.pimllm.ir")
                    .and(DescribedPredicate.not(PLAN_VALUE_TYPE)).and(DescribedPredicate.not(HARDWARE_CONFIG)))
            .because("the target layer is the pim dialect, the Target and the cost interface: it carries plans,"
                    + " not the library or the simulator");

    static final ArchRule PASSES = noClasses().that().resideInAPackage("org.pimllm.passes..").should()
            .dependOnClassesThat(oursOutside("org.pimllm.passes", "org.pimllm.ir", "org.pimllm.target")
                    .and(DescribedPredicate.not(PLAN_VALUE_TYPE)))
            .because("passes see the machine only through the target layer (plans and seconds from PimCostModel)");

    static final ArchRule RUNTIME = noClasses().that().resideInAPackage("org.pimllm.runtime..").should()
            .dependOnClassesThat().resideInAnyPackage("org.pimllm.passes..", "org.pimllm.tileselector..",
                    "org.pimllm.driver..")
            .because("the runtime runs lowered modules; compiling them is the driver's job");

    /** oneDNN (pimllm-hostblas) is the runtime's host GEMM provider: nothing below the runtime may reach it. */
    static final ArchRule HOSTBLAS_USERS = noClasses().that().resideInAnyPackage("org.pimllm.sim..", "org.pimllm.pgemm..",
                    "org.pimllm.ir..", "org.pimllm.target..", "org.pimllm.passes..", "org.pimllm.tileselector..",
                    "org.pimllm.models..")
            .should().dependOnClassesThat().resideInAPackage("org.pimllm.hostblas..")
            .because("host GEMMs through oneDNN are a run-time choice (runtime's OneDnnKernels), not part of the IR,"
                    + " the passes or the simulator");

    static final ArchRule NO_CYCLES = slices().matching("org.pimllm.(*)..").should().beFreeOfCycles();

    @Test
    void simImportsNothingOfOurs() { SIM.check(MAIN); }

    @Test
    void pgemmOnlySim() { PGEMM.check(MAIN); }

    @Test
    void tileSelectorOnlyPgemmSimAndTarget() { TILESELECTOR.check(MAIN); }

    @Test
    void irImportsNothingOfOurs() { IR.check(MAIN); }

    @Test
    void targetOnlyIrPlanTypesAndHardwareConfig() { TARGET.check(MAIN); }

    @Test
    void passesOnlyIrTargetAndPlanTypes() { PASSES.check(MAIN); }

    @Test
    void runtimeNotPassesTileSelectorOrDriver() { RUNTIME.check(MAIN); }

    @Test
    void modelsOnlyIr() { MODELS.check(MAIN); }

    @Test
    void hostBlasImportsNothingOfOurs() { HOSTBLAS.check(MAIN); }

    @Test
    void onlyTheRuntimeAndAboveUseHostBlas() { HOSTBLAS_USERS.check(MAIN); }

    @Test
    void modulesAreFreeOfCycles() { NO_CYCLES.check(MAIN); }

    @Test
    void theRulesSeeTheProjectsClasses() {
        for (String pkg : new String[] {"org.pimllm.sim", "org.pimllm.pgemm", "org.pimllm.tileselector", "org.pimllm.ir",
                "org.pimllm.target", "org.pimllm.passes", "org.pimllm.runtime", "org.pimllm.driver", "org.pimllm.models",
                "org.pimllm.hostblas"}) {
            assertTrue(MAIN.containPackage(pkg), "no classes of " + pkg + " were imported: the rules would pass vacuously");
        }
    }

    @Test
    void aPassUsingTheTileSelectorDirectlyIsAViolation() {
        JavaClasses fixture = new ClassFileImporter().importClasses(ModuleGraphViolationFixture.class);
        assertTrue(PASSES.evaluate(fixture).hasViolation(), "the passes rule must reject a pass importing the Tile-Selector");
        assertTrue(PASSES.evaluate(fixture).getFailureReport().toString().contains("TileSelector"),
                PASSES.evaluate(fixture).getFailureReport().toString());
    }
}
