package mcp.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WorkerBudgetTest {
    private static final long MIB = 1L << 20;

    @Test
    void fourWorkersPerCpuWhenMemoryIsPlenty() {
        assertEquals(8, new WorkerBudget(2, OptionalLong.of(64_000 * MIB)).limit());
        assertEquals(64, new WorkerBudget(16, OptionalLong.empty()).limit(), "no memory figure: the CPUs alone");
    }

    @Test
    void oneWorkerPer96MibOfAvailableMemory() {
        assertEquals(5, new WorkerBudget(64, OptionalLong.of(5 * 96 * MIB + 95 * MIB)).limit());
    }

    @Test
    void atLeastOneWorker() {
        assertEquals(1, new WorkerBudget(4, OptionalLong.of(10 * MIB)).limit());
    }

    @Test
    void thisMachineHasABudget() {
        WorkerBudget budget = WorkerBudget.ofThisMachine();
        assertEquals(Runtime.getRuntime().availableProcessors(), budget.cpus());
        assertTrue(budget.availableMemoryBytes().isPresent(), "Linux says MemAvailable");
        assertTrue(budget.reason().contains("MiB of available memory"), budget.reason());
    }
}
