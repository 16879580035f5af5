using Microsoft.Extensions.Logging;

namespace MiniDocker.Registry;

/// <summary>The registry client's log messages.</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "{Method} {Url} failed ({Reason}); trying again")]
    public static partial void Retrying(ILogger logger, string method, Uri url, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Blob {Digest} was cut off after {Offset} bytes; resuming")]
    public static partial void Resuming(ILogger logger, Storage.Digest digest, long offset);
}
