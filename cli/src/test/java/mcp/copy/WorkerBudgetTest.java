package mcp.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WorkerBudgetTest {
    private static final long MIB = 1L << 20;

    @Test
    void oneWorkerPerCpuWhenMemoryIsPlenty() {
        assertEquals(2, new WorkerBudget(2, OptionalLong.of(64_000 * MIB)).limit());
        assertEquals(16, new WorkerBudget(16, OptionalLong.empty()).limit(), "no memory figure: the CPUs alone");
    }

    @Test
    void onlyAShortageOfMemoryIsWorthSaying() {
        WorkerBudget plenty = new WorkerBudget(2, OptionalLong.of(64_000 * MIB));
        assertFalse(plenty.boundByMemory(5), "5 asked for on 2 CPUs: 2 run, by choice");
        WorkerBudget short_ = new WorkerBudget(8, OptionalLong.of(3 * 96 * MIB));
        assertTrue(short_.boundByMemory(5), "5 asked for on 8 CPUs, memory for 3");
        assertFalse(short_.boundByMemory(3), "as many as memory allows");
        assertFalse(new WorkerBudget(2, OptionalLong.of(3 * 96 * MIB)).boundByMemory(5), "the CPUs bind first");
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
