using MiniDocker.Containers;

namespace MiniDocker.Server.Api;

/// <summary>Every failure leaves as Docker's error shape with the status Docker would give it.</summary>
internal static class ErrorHandling
{
    public static IApplicationBuilder UseDockerErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && StatusOf(e) is { } status)
        {
            context.Response.StatusCode = status;
            // Exactly this type: the docker client shows the raw body for any other, charset included.
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new ErrorBody(MessageOf(e))), context.RequestAborted);
        }
    });

    // The docker client picks its exit code from these words: 127 for a missing program, 126 for one it cannot run.
    private static string MessageOf(Exception e) => e is MiniDocker.Execution.ContainerCommandNotFoundException
        ? $"failed to create task for container: exec: no such file or directory: {e.Message}"
        : e.Message;

    private static int? StatusOf(Exception e) => e switch
    {
        ApiException api => api.Status,
        MiniDocker.Execution.ContainerCommandNotFoundException => StatusCodes.Status400BadRequest,
        ContainerNotFoundException => StatusCodes.Status404NotFound,
        MiniDocker.Images.ImageNotFoundException => StatusCodes.Status404NotFound,
        ContainerNameConflictException => StatusCodes.Status409Conflict,
        Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
        System.Text.Json.JsonException => StatusCodes.Status400BadRequest,
        FormatException => StatusCodes.Status400BadRequest,
        ContainerConfigurationException => StatusCodes.Status400BadRequest,
        InvalidOperationException => StatusCodes.Status409Conflict,
        MiniDockerException => StatusCodes.Status500InternalServerError,
        _ => null,
    };
}
