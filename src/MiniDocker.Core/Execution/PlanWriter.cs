using System.Buffers.Binary;
using System.Text;

namespace MiniDocker.Execution;

/// <summary>
/// Writes the binary plan stage-0 reads: little-endian integers, strings as a length, the UTF-8
/// bytes and a NUL (so the C side can point into the buffer), steps as opcode, length, payload.
/// </summary>
internal sealed class PlanWriter : IDisposable
{
    public const uint Magic = 0x3050444d; // "MDP0"
    public const uint Version = 1;

    // Pooled: a plan with Docker's seccomp filter is tens of KiB, written once per start.
    private byte[] _bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _length;

    /// <summary>The plan written so far.</summary>
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    public void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void String(string value)
    {
        if (value.Contains('\0'))
            throw new ArgumentException($"\"{value.Replace("\0", "\\0", StringComparison.Ordinal)}\" contains a NUL character, which the kernel cannot take.", nameof(value));
        int count = Encoding.UTF8.GetByteCount(value);
        U32((uint)count);
        var span = Reserve(count + 1);
        Encoding.UTF8.GetBytes(value, span);
        span[count] = 0;
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    public void Strings(IReadOnlyList<string> values)
    {
        U32((uint)values.Count);
        foreach (var value in values) String(value);
    }

    public static byte[] Write(IReadOnlyList<PlanStep> steps)
    {
        using var writer = Build(steps);
        return writer.Written.ToArray();
    }

    /// <summary>The whole plan in a pooled buffer; dispose the writer when its bytes are used.</summary>
    public static PlanWriter Build(IReadOnlyList<PlanStep> steps)
    {
        var writer = new PlanWriter();
        writer.U32(Magic);
        writer.U32(Version);
        writer.U32((uint)steps.Count);
        foreach (var step in steps)
        {
            writer.U32((uint)step.Opcode);
            int lengthAt = writer._length;
            writer.U32(0);
            step.WritePayload(writer);
            BinaryPrimitives.WriteUInt32LittleEndian(writer._bytes.AsSpan(lengthAt), (uint)(writer._length - lengthAt - 4));
        }
        return writer;
    }

    public void Dispose()
    {
        System.Buffers.ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _bytes.Length)
        {
            var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + count));
            _bytes.AsSpan(0, _length).CopyTo(larger);
            System.Buffers.ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = larger;
        }
        var span = _bytes.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
