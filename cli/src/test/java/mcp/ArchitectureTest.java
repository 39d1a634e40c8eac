package mcp;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies point one way: command line ({@code mcp.cli}) → engine ({@code mcp.copy}) →
 * native bridge ({@code mcp.nativebridge}). The engine takes a plan and returns a report; it never
 * words a message or picks an exit status, so it needs nothing of the command line, and a worker
 * JVM, which runs engine code only, needs no picocli on its class path.
 */
@AnalyzeClasses(packages = "mcp", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule ENGINE_DOES_NOT_KNOW_THE_COMMAND_LINE = noClasses().that().resideInAPackage("mcp.copy..")
            .should().dependOnClassesThat().resideInAnyPackage("mcp.cli..", "picocli..")
            .because("the command line words messages and exit codes; the engine reports facts");

    @ArchTest
    static final ArchRule NATIVE_BRIDGE_KNOWS_ONLY_LIBC = noClasses().that().resideInAPackage("mcp.nativebridge..")
            .should().dependOnClassesThat().resideInAnyPackage("mcp.cli..", "mcp.copy..", "picocli..")
            .because("the native bridge binds system calls and nothing else");

    @ArchTest
    static final ArchRule ONLY_THE_NATIVE_BRIDGE_CALLS_JNA = noClasses().that().resideOutsideOfPackage("mcp.nativebridge..")
            .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
            .because("native calls live in one place, where errno is read at once and turned into exceptions");
}
