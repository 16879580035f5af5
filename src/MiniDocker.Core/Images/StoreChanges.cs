using MiniDocker.Layers;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>
/// What one operation (a pull, an import, a commit) added to the store, so that when it fails
/// the store is put back exactly as it was.
/// </summary>
internal sealed class StoreChanges(BlobStore blobs, LayerStore layers)
{
    private readonly List<Digest> _blobs = [];
    private readonly List<Digest> _layers = [];

    public void BlobAdded(Digest digest)
    {
        lock (_blobs) _blobs.Add(digest);
    }

    public void LayerAdded(Digest chainId)
    {
        lock (_layers) _layers.Add(chainId);
    }

    public void Undo()
    {
        foreach (var chainId in _layers) layers.Delete(chainId);
        foreach (var digest in _blobs) blobs.Delete(digest);
    }
}
