package io.softcifar.results.rest;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.softcifar.contracts.study.StudyPlan;
import io.softcifar.contracts.study.StudyRequest;
import io.softcifar.results.compare.Comparison;
import io.softcifar.results.compare.ComparisonFormats;
import io.softcifar.results.service.ResultsView;
import io.softcifar.results.service.StudyService;
import io.softcifar.results.service.ViewModel.StudyDetail;
import io.softcifar.results.service.ViewModel.StudySummary;
import io.softcifar.service.rest.ApiError;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code /api/studies}: submit, list, show, follow (SSE), compare, retry and cancel studies. The error answers every
 * operation shares (401, 403, 421, 500; 411, 413, 415 for the submitted body) are declared once, by service-common's
 * {@code SharedApiResponses}.
 */
@Path("/api/studies")
@Produces(MediaType.APPLICATION_JSON)
public class StudyResource {

    public static final String TEXT_CSV = "text/csv";
    public static final String TEXT_MARKDOWN = "text/markdown";
    public static final String TEXT_LATEX = "application/x-latex";

    @Inject
    StudyService service;

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Submit a study",
            description = "Validates the whole study (every problem named by its "
                    + "field), expands the grid into runs with stable ids, publishes the study, then the dataset request "
                    + "(dataset given as a spec) or the training requests (dataset given by id and ready).")
    @APIResponse(responseCode = "201", description = "accepted; the body lists every run id")
    @APIResponse(
            responseCode = "200",
            description = "the same study was submitted before; nothing published. "
                    + "With dryRun=true: the expanded runs (StudyPlan: run id, method, labelMode, mixing, augment, mixAlpha, "
                    + "mixProbability, dropoutRate, seed), nothing published")
    @APIResponse(
            responseCode = "400",
            description = "invalid study (one problem per field, bounds included: "
                    + "contracts Limits, e.g. 'epochs: at most 1000, got 5000'), a body that is not JSON, or dryRun not "
                    + "true/false")
    @APIResponse(responseCode = "409", description = "the id belongs to a study with another definition")
    public Response submit(
            StudyRequest request, @QueryParam("dryRun") @DefaultValue("false") String dryRun, @Context UriInfo uri) {
        // parsed here, not as a boolean parameter: that would read "yes" or "1" as false and submit for real
        if (!dryRun.equals("true") && !dryRun.equals("false")) {
            return ApiError.badParameter("dryRun", "must be true or false, got '" + dryRun + "'");
        }
        if (dryRun.equals("true")) {
            return Response.ok(StudyPlan.of(service.plan(request))).build();
        }
        StudyService.Submitted submitted = service.submit(request);
        StudyDetail detail = service.view().study(submitted.studyId()).orElseThrow();
        return Response.status(submitted.created() ? 201 : 200)
                .location(uri.getAbsolutePathBuilder().path(submitted.studyId()).build())
                .entity(detail)
                .build();
    }

    @GET
    @Operation(summary = "List studies", description = "Newest first, with run counts by status.")
    public List<StudySummary> list() {
        return service.view().studies();
    }

    @GET
    @Path("{id}")
    @Operation(
            summary = "Show a study",
            description = "Its definition, configurations and every run with status, " + "epoch and ETA.")
    @APIResponse(responseCode = "404", description = "no such study")
    public Response get(@PathParam("id") String id) {
        return ApiError.okOrNotFound(service.view().study(id), notFoundMessage(id));
    }

    @GET
    @Path("{id}/comparison")
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV, TEXT_MARKDOWN, TEXT_LATEX, MediaType.TEXT_PLAIN})
    @Operation(
            summary = "Compare configurations",
            description =
                    "Finished and evaluated runs grouped by "
                            + "configuration: mean ± standard error over seeds per metric with n, best per metric (direction-aware), "
                            + "runs still missing. format=json|csv|markdown|latex; Markdown and LaTeX in the reference table's layout.")
    @APIResponse(responseCode = "400", description = "unknown format")
    @APIResponse(responseCode = "404", description = "no such study")
    public Response comparison(@PathParam("id") String id, @QueryParam("format") @DefaultValue("json") String format) {
        Optional<Comparison> comparison = service.view().comparison(id);
        if (comparison.isEmpty()) {
            return notFound(id);
        }
        Comparison c = comparison.get();
        return switch (format) {
            case "json" -> Response.ok(c, MediaType.APPLICATION_JSON).build();
            case "csv" ->
                Response.ok(ComparisonFormats.csv(c), TEXT_CSV + ";charset=UTF-8")
                        .build();
            case "markdown", "md" ->
                Response.ok(ComparisonFormats.markdown(c), TEXT_MARKDOWN + ";charset=UTF-8")
                        .build();
            case "latex", "tex" ->
                Response.ok(ComparisonFormats.latex(c), TEXT_LATEX + ";charset=UTF-8")
                        .build();
            default ->
                ApiError.of(
                                400,
                                "unknown format",
                                "format",
                                "unknown format '" + format + "' (expected json, csv, markdown or latex)")
                        .response();
        };
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Follow a study",
            description = "Server-sent events: 'subscribed', then one per progress, "
                    + "status, checkpoint or evaluation event of the study's runs.")
    public Multi<StudyStreamEvent> events(@PathParam("id") String id) {
        if (!service.view().hasStudy(id)) {
            return Multi.createFrom().failure(new jakarta.ws.rs.NotFoundException(notFoundMessage(id)));
        }
        ResultsView view = service.view();
        return Multi.createFrom().emitter(emitter -> {
            Consumer<ResultsView.Change> listener = change -> {
                if (id.equals(change.studyId()) && change.runId() != null) {
                    emitter.emit(StudyStreamEvent.of(change));
                }
            };
            emitter.emit(StudyStreamEvent.subscribed(id));
            view.addListener(listener);
            emitter.onTermination(() -> view.removeListener(listener));
        });
    }

    @POST
    @Path("{id}/retry")
    @Blocking
    @Operation(
            summary = "Retry failed runs",
            description = "Re-publishes a training request for every failed or "
                    + "cancelled run of the study, under the same run id (the trainer resumes from the run's last "
                    + "checkpoint). Runs that finished or are live are left alone.")
    @APIResponse(responseCode = "202", description = "the runs re-requested (maybe none)")
    @APIResponse(responseCode = "404", description = "no such study")
    public Response retry(@PathParam("id") String id) {
        if (!service.view().hasStudy(id)) {
            return notFound(id);
        }
        return Response.accepted(Map.of("studyId", id, "retried", service.retry(id)))
                .build();
    }

    @POST
    @Path("{id}/cancel")
    @Blocking
    @Operation(
            summary = "Cancel a study",
            description = "Publishes a cancel request for every run of the study that " + "has not ended.")
    @APIResponse(responseCode = "202", description = "the runs asked to stop")
    @APIResponse(responseCode = "404", description = "no such study")
    public Response cancel(@PathParam("id") String id) {
        if (!service.view().hasStudy(id)) {
            return notFound(id);
        }
        return Response.accepted(Map.of(
                        "studyId",
                        id,
                        "cancelled",
                        service.runs().cancelStudy(id, "study cancelled via the results service")))
                .build();
    }

    private static String notFoundMessage(String id) {
        return "no study with id '" + id + "'";
    }

    private static Response notFound(String id) {
        return ApiError.notFound(notFoundMessage(id));
    }
}
