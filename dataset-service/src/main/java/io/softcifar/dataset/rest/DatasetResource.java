package io.softcifar.dataset.rest;

import io.smallrye.common.annotation.Blocking;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.dataset.config.DatasetSettings;
import io.softcifar.dataset.service.DatasetService;
import io.softcifar.dataset.service.DatasetView;
import io.softcifar.service.rest.ApiError;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /api/datasets}: import a dataset from a spec, list datasets, show one with its manifest. */
@Path("/api/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class DatasetResource {

    @Inject
    DatasetService service;

    @Inject
    DatasetSettings settings;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Import a dataset",
            description = "Validates the spec, then builds the dataset (or finds it "
                    + "already built: ids are content-addressed). Answers with the outcome if the import ends within "
                    + "softcifar.dataset.answer-within, else 202 with the id to poll.")
    @APIResponse(responseCode = "201", description = "built now; body has the manifest")
    @APIResponse(responseCode = "200", description = "was already built")
    @APIResponse(responseCode = "202", description = "importing; poll the Location")
    @APIResponse(responseCode = "400", description = "invalid spec or data; body names each field or file")
    public Response create(DatasetSpec spec, @Context UriInfo uri) throws InterruptedException {
        if (spec == null) {
            return ApiError.of(400, "request body: a dataset spec (JSON) is required")
                    .response();
        }
        DatasetService.Submission submission =
                service.submit(spec, UUID.randomUUID().toString());
        URI location = uri.getAbsolutePathBuilder().path(submission.datasetId()).build();
        DatasetView view;
        try {
            view = submission.outcome().get(settings.answerWithin().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Response.accepted(service.find(submission.datasetId()).orElseThrow())
                    .location(location)
                    .build();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        if (view.status() == DatasetStatus.FAILED) {
            int status = Boolean.TRUE.equals(view.badInput()) ? 400 : 502;
            return ApiError.of(status, "dataset import failed", view.failedField(), view.reason())
                    .response();
        }
        return Response.status(submission.started() ? 201 : 200)
                .location(location)
                .entity(view)
                .build();
    }

    @GET
    @Operation(summary = "List datasets", description = "Every dataset in the bucket, and imports running or failed.")
    public List<DatasetView> list() {
        return service.list();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Show a dataset", description = "Status; when READY the statistics and the whole manifest.")
    @APIResponse(responseCode = "404", description = "no such dataset")
    public Response get(@PathParam("id") String id) {
        return ApiError.okOrNotFound(service.find(id), "no dataset with id '" + id + "'");
    }
}
