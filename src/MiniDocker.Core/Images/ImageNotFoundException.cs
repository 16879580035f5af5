namespace MiniDocker.Images;

/// <summary>No image in the store goes by the name or id given.</summary>
public sealed class ImageNotFoundException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public ImageNotFoundException(string nameOrId)
        : base($"No image \"{nameOrId}\" is in the store. Pull it first (engine.Images.PullAsync) or import it, or check the name with engine.Images.ListAsync().")
    {
        NameOrId = nameOrId;
    }

    /// <summary>What was looked for.</summary>
    public string NameOrId { get; }
}
