using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace MiniDocker.Server.Transport;

/// <summary>
/// One accepted connection as Kestrel sees it: a pair of pipes pumped to and from the socket. On a
/// connection that was upgraded (attach, exec) the client's FIN completes only what Kestrel reads;
/// what Kestrel writes keeps flowing until Kestrel completes it, or until the client has closed
/// its socket altogether (the kernel reports a hang-up), and only then is the socket shut down
/// for sending. On any other connection a FIN means the client is gone, and the request is aborted.
/// </summary>
internal sealed class HalfCloseConnection : ConnectionContext
{
    private readonly Socket _socket;
    private readonly Pipe _input = new();
    private readonly Pipe _output = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _receiving;
    private readonly Task _sending;
    private bool _upgraded;
    private static readonly TimeSpan HangUpPollInterval = TimeSpan.FromMilliseconds(500);

    public HalfCloseConnection(Socket socket, string id, EndPoint local)
    {
        _socket = socket;
        ConnectionId = id;
        LocalEndPoint = local;
        RemoteEndPoint = local;
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        ConnectionClosed = _closed.Token;
        _receiving = ReceiveAsync();
        _sending = SendAsync();
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _output.Reader.CancelPendingRead();
    }

    public override async ValueTask DisposeAsync()
    {
        await _output.Writer.CompleteAsync();
        await _input.Reader.CompleteAsync();
        await Task.WhenAll(_receiving, _sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _closed.Dispose();
        await base.DisposeAsync();
    }

    private async Task ReceiveAsync()
    {
        Exception? error = null;
        try
        {
            await ReceiveFirstRequestAsync();
            while (true)
            {
                var memory = _input.Writer.GetMemory(4096);
                int n = await _socket.ReceiveAsync(memory, SocketFlags.None);
                if (n == 0)
                {
                    // An upgraded client may have only shut down its sending side and still read.
                    if (_upgraded) _ = WatchForHangUpAsync();
                    else await _closed.CancelAsync();
                    break;
                }
                _input.Writer.Advance(n);
                var flushed = await _input.Writer.FlushAsync();
                if (flushed.IsCompleted || flushed.IsCanceled) break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = new ConnectionResetException(e.Message, e);
            await _closed.CancelAsync();
        }
        await _input.Writer.CompleteAsync(error);
    }

    /// <summary>The first request goes through <see cref="UpgradeBodyShim"/> before Kestrel reads it.</summary>
    private async Task ReceiveFirstRequestAsync()
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            int n = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0)
            {
                if (received.Count > 0) await _input.Writer.WriteAsync(received.ToArray());
                await _closed.CancelAsync();
                return;
            }
            received.AddRange(buffer.AsSpan(0, n));
            if (UpgradeBodyShim.TryRewrite(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(received)) is { } ready)
            {
                _upgraded = ready.Upgrade;
                await _input.Writer.WriteAsync(ready.Bytes);
                return;
            }
        }
    }

    /// <summary>
    /// After a FIN on an upgraded connection: a client that has closed its socket (rather than
    /// shut down its sending side) makes the kernel report POLLHUP on a unix socket; then the
    /// connection is closed, and whatever streams to it ends.
    /// </summary>
    private async Task WatchForHangUpAsync()
    {
        try
        {
            while (!_closed.IsCancellationRequested)
            {
                await Task.Delay(HangUpPollInterval, _closed.Token);
                if (PeerHungUp()) await _closed.CancelAsync();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private unsafe bool PeerHungUp()
    {
        var descriptor = new Tmds.Linux.pollfd { fd = (int)_socket.Handle, events = 0 };
        return Tmds.Linux.LibC.poll(&descriptor, 1, 0) > 0 && (descriptor.revents & Tmds.Linux.LibC.POLLHUP) != 0;
    }

    private async Task SendAsync()
    {
        try
        {
            while (true)
            {
                var result = await _output.Reader.ReadAsync();
                if (result.IsCanceled) break;
                foreach (var segment in result.Buffer)
                {
                    for (int sent = 0; sent < segment.Length;)
                        sent += await _socket.SendAsync(segment[sent..], SocketFlags.None);
                }
                _output.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client is gone: what Kestrel writes from now on fails, and the request ends.
        }
        finally
        {
            await _output.Reader.CompleteAsync();
            await _closed.CancelAsync();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
