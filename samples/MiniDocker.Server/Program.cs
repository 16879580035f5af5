// minidocker-server: a subset of the Docker Engine API (1.41) on a unix socket, so that the
// docker command line and Docker.DotNet drive MiniDocker unchanged.
//   minidocker-server --socket /run/minidocker.sock [--group docker] [--root DIR] [--allow-privileged]
using MiniDocker;
using MiniDocker.Containers;
using MiniDocker.Server;
using MiniDocker.Server.Api;
using MiniDocker.Server.Dashboard;

ServerOptions options;
try
{
    options = ServerOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"minidocker-server: {e.Message}");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// Registered after Kestrel's own, so it is the one chosen for the unix socket.
builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory, MiniDocker.Server.Transport.HalfCloseTransportFactory>();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.ListenUnixSocket(options.Socket);
    if (options.Tcp is { } tcp) kestrel.Listen(tcp);
    // Request bodies are small JSON documents here; anything larger is refused with 413.
    kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
});
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(services =>
{
    var engineOptions = new MiniDockerOptions();
    if (options.Root is { } root) engineOptions.RootDirectory = root;
    if (Environment.GetEnvironmentVariable("MINIDOCKER_CGROUP_PARENT") is { Length: > 0 } parent) engineOptions.CgroupParent = parent;
    return new ContainerEngine(engineOptions, services.GetRequiredService<ILoggerFactory>());
});
builder.Services.AddSingleton<ServerContainers>();
builder.Services.AddSingleton<ServerExecs>();
builder.Services.AddSingleton<MiniDocker.Server.Events.ServerEvents>();
builder.Services.AddHostedService(services => services.GetRequiredService<MiniDocker.Server.Events.ServerEvents>());
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = null);

var app = builder.Build();
app.UseDockerErrors();
app.UseTcpToken(options);
app.UseApiVersionPrefix();
app.UseRouting(); // after the prefix is gone, so routes see /containers/json
app.UseWebSockets();
app.MapSystem();
app.MapContainers();
app.MapContainerControl();
app.MapAttachWebSocket();
app.MapEvents();
app.MapDashboard();
app.MapStatsWebSocket();
app.MapImages();
app.MapExec();
app.MapNetworks();
app.MapStats();
app.MapFallback((HttpContext context) =>
    throw ApiException.NotSupported($"{context.Request.Method} {context.Request.Path}"));

await NetworkApi.EnsureDefaultNetworkAsync(app.Services.GetRequiredService<ContainerEngine>(), CancellationToken.None);
await app.StartAsync();
SocketPermissions.Apply(options.Socket, options.Group);
Console.WriteLine($"listening on unix://{options.Socket}{(options.Tcp is { } endpoint ? $" and tcp://{endpoint}" : "")}");
await app.WaitForShutdownAsync();
await app.Services.GetRequiredService<ContainerEngine>().DisposeAsync();
return 0;
