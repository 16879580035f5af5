namespace MiniDocker.Containers.Waiting;

/// <summary>An HTTP GET to the container's address on its first network answers 2xx.</summary>
internal sealed class HttpOkCondition(int port, string path) : IWaitCondition
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public string Description => $"HTTP 2xx from :{port}{path}";

    public async ValueTask<bool> IsReadyAsync(Container container, CancellationToken cancellationToken)
    {
        if (container.Networks.Count == 0)
            throw new ContainerNotReadyException(container.Name, Description, "the container is on no network, so the host cannot reach it; add WithNetwork(...)", []);
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://{container.Networks[0].Address}:{port}{path}"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
