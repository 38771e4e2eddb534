using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using OrleansSafety.Gateway.Json;

namespace OrleansSafety.Gateway.Errors;

/// <summary>
/// Turns every exception into a ProblemDetails. Domain refusals (<see cref="ModerationException"/>) and bad requests
/// are expected and logged in one line without a stack trace; an unreachable cluster is a 503 with Retry-After;
/// only a genuine bug is a 500, logged in full.
/// </summary>
internal sealed partial class GatewayExceptionHandler(IProblemDetailsService problems, ILogger<GatewayExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Seconds a caller should wait before retrying when the cluster is unavailable.</summary>
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is no one to answer.
            httpContext.Response.StatusCode = 499;
            return true;
        }

        var problem = Map(exception);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            LogUnavailable(logger, exception.GetType().Name, exception.Message);
        }
        else if (problem.Status >= 500)
        {
            LogUnexpected(logger, exception);
        }
        else
        {
            LogRefused(logger, problem.Status ?? 400, exception.GetType().Name, exception.Message);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    internal static ProblemDetails Map(Exception exception) => exception switch
    {
        _ when IsStorageFault(exception) => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Storage is unavailable.",
            Detail = "The request was not completed; retry after the time given in Retry-After (with the same Idempotency-Key).",
            Type = Problems.Type("unavailable"),
        },
        ModerationException m => FromModeration(m),
        BadHttpRequestException { InnerException: JsonException json } => FromJson(json),
        BadHttpRequestException bad => FromBadRequest(bad),
        JsonException json => FromJson(json),
        TimeoutException or OrleansMessageRejectionException or GatewayTooBusyException or ConnectionFailedException
            or ClientNotAvailableException or OrleansLifecycleCanceledException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The moderation cluster is unavailable.",
                Detail = "The request was not completed; retry after the time given in Retry-After.",
                Type = Problems.Type("unavailable"),
            },
        _ => new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Unexpected error.",
            Detail = "The gateway failed unexpectedly; the error has been logged.",
            Type = Problems.Type("internal"),
        },
    };

    /// <summary>
    /// Storage that did not confirm a change: reported by the silos' storage-fault filter as
    /// <see cref="ModerationError.Unavailable"/>, or a database fault that got past it (a grain failing to load its
    /// state while activating), or one a silo could not even serialize (<see cref="CodecNotFoundException"/>).
    /// </summary>
    private static bool IsStorageFault(Exception exception) => exception switch
    {
        ModerationException m => m.Error == ModerationError.Unavailable,
        DbException or CodecNotFoundException => true,
        { InnerException: { } inner } => IsStorageFault(inner),
        _ => false,
    };

    private static ProblemDetails FromModeration(ModerationException m)
    {
        if (m.Error == ModerationError.Invalid)
        {
            var field = m.Field ?? "body";
            return Validation(field, m.Message);
        }
        var (status, title, slug) = m.Error switch
        {
            ModerationError.NotFound => (StatusCodes.Status404NotFound, "Not found.", "not-found"),
            ModerationError.Forbidden => (StatusCodes.Status403Forbidden, "Forbidden.", "forbidden"),
            _ => (StatusCodes.Status409Conflict, "Conflict.", "conflict"),
        };
        return new ProblemDetails { Status = status, Title = title, Detail = m.Message, Type = Problems.Type(slug) };
    }

    private static ProblemDetails FromJson(JsonException json)
    {
        var field = FieldFromPath(json.Path);
        var message = json switch
        {
            WireValueException => json.Message,
            { InnerException: JsonException } => "Malformed JSON.",
            _ when json.Message.StartsWith("Duplicate property", StringComparison.Ordinal) => "Given more than once.",
            _ => "Has the wrong type or format.",
        };
        return Validation(field, message);
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = "Request bodies are limited to 64 KiB.",
                Type = Problems.Type("payload-too-large"),
            };
        }
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported media type.",
                Detail = "Send the body as application/json.",
                Type = Problems.Type("unsupported-media-type"),
            };
        }
        // Kestrel and the parameter binder use this for everything else a request gets wrong: an empty body where
        // one is required, an unreadable body, a malformed header.
        return bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? Validation("body", "A JSON body is required.")
            : new ProblemDetails { Status = bad.StatusCode, Title = "Bad request.", Detail = bad.Message, Type = Problems.Type("bad-request") };
    }

    private static HttpValidationProblemDetails Validation(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = Problems.ValidationTitle,
            Detail = $"Invalid or missing: {field}.",
            Type = Problems.Type("validation"),
        };

    /// <summary>"$.target.roomId" → "target.roomId"; the whole body ("$" or no path) → "body".</summary>
    internal static string FieldFromPath(string? path) =>
        path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    [LoggerMessage(Level = LogLevel.Information, Message = "Request refused with {Status}: {ExceptionType}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable ({ExceptionType}): {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error while handling a request")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
