package dev.leadpipe.core.destination.types;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import dev.leadpipe.core.destination.DeclaredSpec;
import dev.leadpipe.core.destination.SettingSpec;
import dev.leadpipe.core.error.ErrorClass;

/**
 * Azure Blob storage: no longer a lead destination. A configuration of this type is refused with the advice to
 * choose another; one stored before is read (its settings declared so they stay masked) and its leads are held.
 */
public final class BlobSpec extends DeclaredSpec {
    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.of("connectionString", "the storage account's connection string")
                    .asSecret()
                    .asRouting(),
            SettingSpec.of("containerName", "the blob container"));

    public BlobSpec() {
        super("blob", "Azure Blob (retired)", SETTINGS, List.of(), NoneSpec.NOT_DELIVERED, OptionalInt.empty());
    }

    @Override
    public Optional<String> refusal() {
        return Optional.of("Azure Blob storage is no longer a supported lead destination: leads sent there are lost. "
                + ErrorClass.DESTINATION_UNSUPPORTED.remediation());
    }
}
