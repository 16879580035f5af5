using System.Net;

namespace MiniDocker.Registry;

/// <summary>A registry refused a request or could not be reached; the message says what was asked and what came back.</summary>
public class RegistryException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public RegistryException(string message, Exception? innerException = null) : base(message, innerException!)
    {
    }

    /// <summary>The HTTP status the registry answered with, if it answered.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The error codes of the registry's answer (<c>MANIFEST_UNKNOWN</c>, <c>DENIED</c>...).</summary>
    public IReadOnlyList<string> ErrorCodes { get; init; } = [];
}
