// Two containers on a user-defined bridge network — one serving with busybox httpd, the other
// fetching from it by name — and the host fetching from a published port. Needs a rootfs with
// busybox (the first argument, default /srv/busybox); run as root:
//   dotnet run --project samples/BridgeNetwork -- /path/to/busybox-rootfs
using System.Net.Sockets;
using MiniDocker.Containers;

var rootfs = args.Length > 0 ? args[0] : "/srv/busybox";
if (!File.Exists(Path.Combine(rootfs, "bin", "busybox")))
{
    Console.Error.WriteLine($"{rootfs} has no /bin/busybox. Make one: mkdir -p {rootfs}/bin && cp /bin/busybox {rootfs}/bin/ && {rootfs}/bin/busybox --install -s {rootfs}/bin");
    return 1;
}

await using var engine = new ContainerEngine();
var network = await engine.Networks.CreateAsync("sample-net", "10.89.0.0/24");
Console.WriteLine($"network {network}");

await using var web = await engine.CreateContainer().WithRootfs(rootfs).WithName("web").WithNetwork(network).WithTmpfs("/www")
    .WithPublishedPort(8080, 80)
    .WithCommand("/bin/busybox", "sh", "-c", "echo hello from web > /www/index.html; exec /bin/busybox httpd -f -p 80 -h /www")
    .StartAsync();
Console.WriteLine($"web is {web.Networks[0].Address}, published on the host as {web.PublishedPorts[0]}");

await using var client = await engine.CreateContainer().WithRootfs(rootfs).WithNetwork(network)
    .WithCommand("/bin/busybox", "sleep", "60").StartAsync();
var fetched = await client.ExecAsync(["/bin/busybox", "sh", "-c",
    "for i in 1 2 3 4 5 6 7 8 9 10; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc web 80 | tail -n 1 && break; sleep 0.2; done"]);
Console.WriteLine($"client fetched http://web/: {fetched.Stdout.Trim()}");

using var host = new TcpClient("127.0.0.1", 8080);
using var stream = host.GetStream();
stream.Write("GET / HTTP/1.0\r\n\r\n"u8);
var response = await new StreamReader(stream).ReadToEndAsync();
Console.WriteLine($"host fetched http://127.0.0.1:8080/: {response.Split('\n')[^2].Trim()}");
return 0;
