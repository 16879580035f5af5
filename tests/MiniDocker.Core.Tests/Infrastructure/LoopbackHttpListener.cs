using System.Net;
using System.Net.Sockets;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>An HttpListener on a free port of 127.0.0.1; tests running in parallel may race for a port, so a taken one is retried.</summary>
public static class LoopbackHttpListener
{
    public static (HttpListener Listener, int Port) Start()
    {
        for (int attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                Close(listener);
            }
        }
    }

    /// <summary>Hands each request to <paramref name="handle"/> (on the thread pool) until the listener stops.</summary>
    public static async Task ServeAsync(HttpListener listener, Func<HttpListenerContext, Task> handle)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => handle(context));
        }
    }

    /// <summary>Stops and closes, whatever state a failed start left it in.</summary>
    public static void Close(HttpListener listener)
    {
        try
        {
            if (listener.IsListening) listener.Stop();
            listener.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
    }
}
