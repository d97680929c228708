package dev.leadpipe.core.destination.types;

import java.util.List;
import java.util.Optional;

import dev.leadpipe.core.destination.DestinationSpec;
import dev.leadpipe.core.destination.SettingSpec;
import dev.leadpipe.core.error.ErrorClass;

/**
 * Azure Blob storage: no longer a lead destination. A configuration of this type is refused with the advice to
 * choose another; one stored before is read (its settings declared so they stay masked) and its leads are held.
 */
public final class BlobSpec implements DestinationSpec {
    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.of("connectionString", "the storage account's connection string").asSecret().asRouting(),
            SettingSpec.of("containerName", "the blob container"));

    @Override
    public String typeName() {
        return "blob";
    }

    @Override
    public String title() {
        return "Azure Blob (retired)";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public Optional<String> refusal() {
        return Optional.of("Azure Blob storage is no longer a supported lead destination: leads sent there are lost. "
                + ErrorClass.DESTINATION_UNSUPPORTED.remediation());
    }

    @Override
    public String whereToFind() {
        return NoneSpec.NOT_DELIVERED;
    }
}
