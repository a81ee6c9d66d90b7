package io.softcifar.results.rest;

import io.smallrye.common.annotation.Blocking;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.results.artifacts.OodScores;
import io.softcifar.results.service.StudyService;
import io.softcifar.results.service.ViewModel.RunDetail;
import io.softcifar.service.rest.ApiError;
import io.softcifar.storage.ObjectInfo;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code GET /api/runs/{id}/ood-scores}: histograms of the run's OOD scores, test set against each OOD set. */
@Path("/api/runs/{id}/ood-scores")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "404", description = RunResource.NO_SUCH_RUN)
public class RunOodResource {

    /** The largest score file read (60,000 float32 scores are 240 kB). */
    static final long MAX_FILE_BYTES = 16L << 20;

    private static final Pattern OOD_FILE = Pattern.compile("ood_([a-z0-9]+)_native_scores\\.npy");

    @Inject
    StudyService service;

    @GET
    @Blocking
    @Operation(
            summary = "OOD score histograms",
            description =
                    "From the evaluation dump's native scores "
                            + "(test_native_scores.npy, ood_<set>_native_scores.npy): per OOD set, shared bin edges and the counts of "
                            + "the test set's and the OOD set's scores. Empty when the run has no evaluation dump or no OOD set.")
    @APIResponse(responseCode = "400", description = "bins outside 2..200")
    public Response histograms(@PathParam("id") String id, @QueryParam("bins") @DefaultValue("30") String binsText) {
        int bins;
        try {
            bins = Integer.parseInt(binsText);
        } catch (NumberFormatException e) {
            bins = -1;
        }
        if (bins < 2 || bins > 200) {
            return ApiError.badParameter("bins", "must be an integer from 2 to 200, got '" + binsText + "'");
        }
        RunDetail run = RunResource.found(service.view().run(id), id);
        List<OodScores.Histogram> sets = new ArrayList<>();
        if (run.evaluation() != null) {
            List<ObjectInfo> files = service.store().list(ObjectKeys.evaluationPrefix(id));
            String testKey = ObjectKeys.evaluationFile(id, "test_native_scores.npy");
            Optional<ObjectInfo> test =
                    files.stream().filter(f -> f.key().equals(testKey)).findFirst();
            if (test.isPresent()) {
                float[] in = read(test.get());
                for (ObjectInfo f : files) {
                    Matcher m = OOD_FILE.matcher(f.key().substring(f.key().lastIndexOf('/') + 1));
                    if (m.matches()) {
                        sets.add(OodScores.histogram(m.group(1), in, read(f), bins));
                    }
                }
            }
        }
        return Response.ok(Map.of("runId", id, "bins", bins, "sets", sets)).build();
    }

    private float[] read(ObjectInfo file) {
        if (file.size() > MAX_FILE_BYTES) {
            throw new IllegalStateException(file.key() + ": " + file.size() + " bytes, more than a score file can be");
        }
        return OodScores.readFloat32Vector(file.key(), service.store().getBytes(file.key()));
    }
}
