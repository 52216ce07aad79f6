using System.Globalization;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Dashboard.Api;
using DeiT.Tuning.Dashboard.Guards;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DeiT.Tuning.Dashboard;

/// <summary>
/// The dashboard's pages and its JSON API under /api/, reading studies through the host's IGrainFactory. Every
/// endpoint passes the token guard; the two write actions (stop, resume) are POST-only and same-origin.
/// </summary>
public static class DashboardEndpoints
{
    public static RouteGroupBuilder MapStudyDashboard(this IEndpointRouteBuilder endpoints, DashboardOptions options)
    {
        var grains = endpoints.ServiceProvider.GetRequiredService<IGrainFactory>();
        var reader = new StudyReader(grains);
        var files = new TrialFileReader(grains, options.CheckpointRoot);
        var group = endpoints.MapGroup("");
        group.AddEndpointFilter(new SecurityHeaders());
        group.AddEndpointFilter(new TokenGuard(options.Token));

        group.MapGet("/", () => EmbeddedAssets.Serve("index.html"));
        group.MapGet("/studies/{name}", (string name) => EmbeddedAssets.Serve("study.html"));
        group.MapGet("/static/{**path}", (string path) => EmbeddedAssets.Serve(path));

        var api = group.MapGroup("/api");
        api.MapGet("/studies", async () => Json(await reader.Studies()));
        api.MapGet("/events", (HttpContext http) => EventStream.Run(http, async () => await reader.Studies(), options.PollInterval));
        api.MapGet("/studies/{name}", (string name) => Read(reader, name, s => StudyDocuments.Study(s)));
        api.MapGet("/studies/{name}/events", (HttpContext http, string name) =>
            EventStream.Run(http, async () => await reader.Snapshot(name) is { } s ? StudyDocuments.Study(s) : null, options.PollInterval));
        api.MapGet("/studies/{name}/trials", (string name) => Read(reader, name, s => s.Trials.Select(StudyDocuments.Trial).ToList()));
        api.MapGet("/studies/{name}/trials/{number:int}", (string name, int number) =>
            Read(reader, name, s => s.Trials.FirstOrDefault(t => t.Number == number) is { } t ? StudyDocuments.Trial(t) : null));
        api.MapGet("/studies/{name}/trials/{number:int}/epochs", (string name, int number) =>
            Read(reader, name, s => s.Trials.FirstOrDefault(t => t.Number == number)?.Epochs.Select(StudyDocuments.Epoch).ToList()));
        api.MapGet("/studies/{name}/trials/{number:int}/log", (string name, int number, int? lines) => TrialLog(reader, files, name, number, lines ?? 200));
        api.MapGet("/studies/{name}/trials/{number:int}/weights", (string name, int number) =>
            TrialDownload(reader, files, name, number, TrialFolder.BestWeights, "application/octet-stream", ".safetensors"));
        api.MapGet("/studies/{name}/trials/{number:int}/card", (string name, int number) =>
            TrialDownload(reader, files, name, number, TrialFolder.BestWeightsCard, "application/json", ".json"));
        api.MapGet("/studies/{name}/contour", (string name, string? x, string? y) => Contour(reader, name, x, y));
        api.MapGet("/studies/{name}/leases", (string name) => Read(reader, name, s => s.Leases.Select(StudyDocuments.Lease).ToList()));

        var actions = api.MapGroup("/studies/{name}").AddEndpointFilter(new SameOriginGuard());
        actions.MapPost("/stop", (string name) => Act(reader, name, grain => grain.Stop()));
        actions.MapPost("/resume", (string name) => Act(reader, name, grain => grain.Run()));
        return group;
    }

    private static IResult Json<T>(T document) => Results.Json(document, DashboardJson.Options);

    private static async Task<IResult> Read<T>(StudyReader reader, string name, Func<Abstractions.Studies.StudySnapshot, T?> project)
    {
        var snapshot = await reader.Snapshot(name);
        if (snapshot is null) return NoStudy(name);
        return project(snapshot) is { } document ? Json(document) : Results.NotFound(new { error = "no such trial" });
    }

    private static Task<IResult> TrialLog(StudyReader reader, TrialFileReader files, string name, int number, int lines) =>
        WithTrial(reader, name, number, async trial =>
            Json(await TrialLogTail.Read(files, name, trial, lines, "no log yet (the trial has not started, or waits to be resumed)")));

    /// <summary>A file of the trial's folder (its best weights, their model card) as a download named STUDY-trial-NNNN.EXT.</summary>
    private static Task<IResult> TrialDownload(StudyReader reader, TrialFileReader files, string name, int number, string file, string contentType, string extension) =>
        WithTrial(reader, name, number, async trial =>
        {
            var content = await files.Open(name, trial, file);
            return content.Stream is { } stream
                ? Results.Stream(stream, contentType, $"{name}-trial-{number:D4}{extension}")
                : Results.NotFound(new { error = content.Unreachable ?? $"trial {number} has no {file}: only DeiT trials keep one, from the end of their first epoch" });
        });

    private static async Task<IResult> WithTrial(StudyReader reader, string name, int number, Func<TrialRecord, Task<IResult>> respond)
    {
        var snapshot = await reader.Snapshot(name);
        if (snapshot is null) return NoStudy(name);
        return snapshot.Trials.FirstOrDefault(t => t.Number == number) is { } trial ? await respond(trial) : Results.NotFound(new { error = "no such trial" });
    }

    /// <summary>The contour over ?x=&amp;y= (default: the two most important parameters); 400 with the reason when it cannot be drawn.</summary>
    private static async Task<IResult> Contour(StudyReader reader, string name, string? x, string? y)
    {
        var snapshot = await reader.Snapshot(name);
        if (snapshot is null) return NoStudy(name);
        try
        {
            return Json(StudyContour.Of(snapshot, x, y));
        }
        catch (ContourException e)
        {
            return Results.Json(new { error = e.Message }, DashboardJson.Options, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> Act(StudyReader reader, string name, Func<Abstractions.Studies.IStudyGrain, Task<Abstractions.Studies.StudySnapshot>> act)
    {
        if (await reader.Snapshot(name) is null) return NoStudy(name);
        try
        {
            return Json(StudyDocuments.Summary(await act(reader.Grain(name))));
        }
        catch (InvalidOperationException e)
        {
            return Results.Json(new { error = e.Message }, DashboardJson.Options, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static IResult NoStudy(string name) =>
        Results.Json(new { error = string.Create(CultureInfo.InvariantCulture, $"no study named '{name}'") }, DashboardJson.Options,
            statusCode: StatusCodes.Status404NotFound);
}
