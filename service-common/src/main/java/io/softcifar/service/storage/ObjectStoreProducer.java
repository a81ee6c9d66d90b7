package io.softcifar.service.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.storage.ObjectStorePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The one {@link ObjectStore} of a service, built from {@code softcifar.s3.*}; the bucket is created if missing. */
@ApplicationScoped
public class ObjectStoreProducer {

    private static final Logger LOG = Logger.getLogger(ObjectStoreProducer.class);

    @Produces
    @Singleton
    @Startup
    ObjectStore objectStore(S3Settings settings, MeterRegistry registry) {
        ObjectStore store = new ObjectStore(
                new ObjectStoreConfig(
                        settings.endpoint(),
                        settings.accessKey(),
                        settings.secretKey(),
                        settings.bucket(),
                        settings.region()),
                new ObjectStorePolicy(
                        settings.attempts(),
                        settings.initialBackoff(),
                        settings.maxBackoff(),
                        settings.connectTimeout(),
                        settings.readWriteTimeout()));
        FunctionCounter.builder("softcifar.object_store.retries", store, ObjectStore::retries)
                .description("object-store calls tried again after the store was down or slow")
                .register(registry);
        try {
            store.ensureBucket();
        } catch (RuntimeException e) {
            // not fatal at start: readiness stays DOWN with the reason until the store answers
            LOG.warnf("object store %s not usable yet: %s", settings.endpoint(), e.getMessage());
        }
        return store;
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }
}
