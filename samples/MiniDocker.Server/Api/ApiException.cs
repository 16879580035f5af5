namespace MiniDocker.Server.Api;

/// <summary>An answer in Docker's error shape (<c>{"message": ...}</c>) with its status code.</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    public static ApiException Conflict(string message) => new(StatusCodes.Status409Conflict, message);

    public static ApiException NotSupported(string what) =>
        new(StatusCodes.Status501NotImplemented, $"{what} is not supported by minidocker-server.");
}
