package org.openprofiles.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openprofiles.config.DomainLoader;
import org.openprofiles.testing.LocalDynamo;

/** The deployed domain configuration: written once, read back exactly, and missing is a clear error. */
class DomainStoreTest {
    @Test
    void theShippedFilesRoundTripThroughTheTable() {
        DomainStore store = new DomainStore(LocalDynamo.client(), LocalDynamo.newTable());
        Map<String, String> files = DomainLoader.classpathFiles();
        store.save(files);
        assertEquals(files, store.load());
        assertTrue(DomainLoader.parseAll(store.load()).containsKey("ExampleDomainName"));
    }

    @Test
    void aTableWithoutConfigurationSaysWhatToDo() {
        DomainStore store = new DomainStore(LocalDynamo.client(), LocalDynamo.newTable());
        IllegalStateException e = assertThrows(IllegalStateException.class, store::load);
        assertTrue(e.getMessage().contains("deploy the data stack"), e.getMessage());
    }
}
