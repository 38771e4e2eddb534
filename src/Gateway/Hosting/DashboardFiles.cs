using Microsoft.AspNetCore.StaticFiles;

namespace OrleansSafety.Gateway.Hosting;

/// <summary>How the dashboard's static files are served: always revalidated, never framed, never sniffed.</summary>
public static class DashboardFiles
{
    /// <summary>The page's policy; the meta tag in index.html repeats it, but only a header can forbid framing.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseDashboardFiles(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = SetHeaders });
        return app;
    }

    private static void SetHeaders(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        // Revalidate by ETag on every load, so an agent never runs a mix of old and new modules after a deploy.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
        }
    }
}
