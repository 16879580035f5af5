using System.Text;
using MiniDocker.Storage;

namespace MiniDocker.Layers;

/// <summary>
/// The OCI chain id: a layer's identity together with every layer below it, so one unpacked
/// directory serves every image that shares that stack. ChainID(L0) = DiffID(L0);
/// ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).
/// </summary>
public static class ChainId
{
    /// <summary>The chain id of each layer, bottom first.</summary>
    public static IReadOnlyList<Digest> For(IReadOnlyList<Digest> diffIds)
    {
        ArgumentNullException.ThrowIfNull(diffIds);
        var chain = new List<Digest>(diffIds.Count);
        foreach (var diffId in diffIds)
            chain.Add(chain.Count == 0 ? diffId : Digest.Sha256(Encoding.ASCII.GetBytes($"{chain[^1]} {diffId}")));
        return chain;
    }
}
