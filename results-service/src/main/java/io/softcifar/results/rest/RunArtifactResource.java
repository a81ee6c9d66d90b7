package io.softcifar.results.rest;

import io.smallrye.common.annotation.Blocking;
import io.softcifar.results.artifacts.Artifact;
import io.softcifar.results.artifacts.RunArtifacts;
import io.softcifar.results.service.StudyService;
import io.softcifar.results.service.ViewModel.RunDetail;
import io.softcifar.service.rest.ApiError;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /api/runs/{id}/artifacts}: a run's checkpoints and evaluation files, listed and streamed from the store. */
@Path("/api/runs/{id}/artifacts")
@APIResponse(responseCode = "404", description = RunResource.NO_SUCH_RUN)
public class RunArtifactResource {

    @Inject
    StudyService service;

    private RunArtifacts artifacts;

    @PostConstruct
    void init() {
        artifacts = new RunArtifacts(service.store());
    }

    @GET
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "List a run's artifacts",
            description = "Its published checkpoints and the files of its "
                    + "evaluation, each with name, kind, size and SHA-256.")
    public Response list(@PathParam("id") String id) {
        RunDetail run = RunResource.found(service.view().run(id), id);
        List<Artifact> list = artifacts.list(run);
        return Response.ok(Map.of("runId", id, "artifacts", list)).build();
    }

    @GET
    @Path("{name: .+}")
    @Blocking
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(
            summary = "Download an artifact",
            description = "Streams the object through the service (the bucket "
                    + "stays private). Content-Length is its size; Repr-Digest its SHA-256 (RFC 9530).")
    @APIResponse(responseCode = "404", description = "no such run, or the run has no artifact of that name")
    public Response download(@PathParam("id") String id, @PathParam("name") String name) {
        RunDetail run = RunResource.found(service.view().run(id), id);
        Optional<Artifact> artifact = artifacts.find(run, name);
        if (artifact.isEmpty()) {
            return ApiError.notFound(
                    "run '" + id + "' has no artifact '" + name + "' (GET /api/runs/" + id + "/artifacts lists them)");
        }
        Artifact a = artifact.get();
        StreamingOutput body = out -> {
            try (InputStream in = artifacts.open(run, a)) {
                in.transferTo(out);
            }
        };
        String file = id + "-" + a.name().replace('/', '-');
        Response.ResponseBuilder answer = Response.ok(body, MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Length", a.bytes())
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"");
        if (a.sha256() != null && a.sha256().matches("[0-9a-f]{64}")) {
            answer.header(
                    "Repr-Digest",
                    "sha-256=:"
                            + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(a.sha256())) + ":");
        }
        return answer.build();
    }
}
