namespace MiniDocker.Images;

/// <summary>An image document (manifest, index, configuration or layer) is malformed or unusable; nothing was stored.</summary>
public sealed class ImageFormatException : MiniDockerException
{
    /// <summary>Creates the exception with a message that says what was wrong and what to do.</summary>
    public ImageFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public ImageFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
