using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>What removing an image did, as <c>docker rmi</c> reports it.</summary>
/// <param name="Untagged">The references removed.</param>
/// <param name="Deleted">The images (manifest digests) deleted with them; empty when the image still has other tags.</param>
public sealed record ImageRemoval(IReadOnlyList<string> Untagged, IReadOnlyList<Digest> Deleted);
