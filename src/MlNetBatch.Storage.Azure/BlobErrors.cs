using Azure;
using Azure.Identity;

namespace MlNetBatch.Storage.Azure;

/// <summary>
/// Turns Azure SDK failures into <see cref="StorageException"/>s a user can act on: the location, the URI and the cause
/// in one plain sentence. The SDK's own message (kept as the inner exception) is many lines of headers.
/// </summary>
internal static class BlobErrors
{
    /// <summary>The service's code for a failed If-Match condition: the blob changed.</summary>
    public const string ConditionNotMet = "ConditionNotMet";

    /// <summary>Whether <paramref name="exception"/> is a failure of the service or the network (rather than a bug or a cancellation).</summary>
    public static bool IsServiceFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RequestFailedException or AuthenticationFailedException or IOException or HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(e => IsServiceFailure(e, cancellationToken)),
        // The SDK reports its NetworkTimeout as a cancellation that nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The exception to throw for a failed request on <paramref name="address"/>, sent to <paramref name="uri"/>.</summary>
    public static StorageException Translate(Exception exception, BlobAddress address, Uri uri)
    {
        var location = address.Location;
        var resource = WithoutQuery(uri);
        var attempts = 1;
        // Once its retries are spent the SDK throws every attempt's failure together; the last one says what is wrong now.
        while (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            attempts = aggregate.InnerExceptions.Count;
            exception = aggregate.InnerExceptions[^1];
        }

        var afterRetries = attempts > 1 ? $" (after {attempts} attempts)" : string.Empty;
        if (exception is RequestFailedException failed)
        {
            if (failed.ErrorCode == "BlobNotFound")
            {
                return new ObjectNotFoundException(location, failed);
            }

            return new StorageException(location, Describe(failed, address, resource) + afterRetries, exception);
        }

        if (exception is AuthenticationFailedException)
        {
            // Azure.Identity's messages list each credential it tried and why; they hold no secret.
            return new StorageException(location,
                $"no Azure credential could sign the request to {resource}: {FirstLine(exception.Message)} Set {AzureBlobStorageDefaults.SectionPath}:ConnectionString or {AzureBlobStorageDefaults.ConnectionStringEnvironmentVariable}, or sign in (az login, managed identity, workload identity).",
                exception);
        }

        if (exception is OperationCanceledException)
        {
            return new StorageException(location, $"the Blob service at {resource} did not answer within the network timeout{afterRetries}.", exception);
        }

        return new StorageException(location, $"the connection to {resource} failed{afterRetries}: {FirstLine(Innermost(exception).Message)}", exception);
    }

    /// <summary>A URI without its query, which may hold a SAS token.</summary>
    public static string WithoutQuery(Uri uri) => uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString.Split('?')[0];

    private static string Describe(RequestFailedException failed, BlobAddress address, string resource)
    {
        var code = failed.ErrorCode;
        if (code == "ContainerNotFound")
        {
            return $"the container '{address.ContainerName}' does not exist in storage account '{address.Account}' ({resource}).";
        }

        if (IsAuthenticationFailure(failed))
        {
            return $"authentication failed at {resource}: the service did not accept the account key, SAS token or credential. Check {AzureBlobStorageDefaults.SectionPath}:ConnectionString (or {AzureBlobStorageDefaults.ConnectionStringEnvironmentVariable}).";
        }

        if (failed.Status == 403)
        {
            return $"access to {resource} was denied ({code}): the credential lacks permission; for Microsoft Entra ID it needs a role such as Storage Blob Data Contributor.";
        }

        if (code == "InvalidHeaderValue" && failed.Message.Contains("version", StringComparison.OrdinalIgnoreCase))
        {
            return $"the service at {resource} does not support the REST API version the SDK sent; pin an older one with {AzureBlobStorageDefaults.SectionPath}:ServiceVersion (Azurite: start it with --skipApiVersionCheck).";
        }

        if (failed.Status == 0)
        {
            // No HTTP response at all: DNS, refused connection, TLS.
            return $"cannot reach the Blob service at {resource}: {FirstLine(Innermost(failed).Message)}";
        }

        return $"the Blob service answered {failed.Status} ({code ?? "no error code"}) for {resource}: {FirstLine(failed.Message)}";
    }

    private static bool IsAuthenticationFailure(RequestFailedException failed)
    {
        if (failed.ErrorCode == "AuthenticationFailed")
        {
            return true;
        }

        // Azurite answers a bad signature with AuthorizationFailure, and a HEAD response has no body: the reason phrase tells.
        const string Signature = "failed to authenticate";
        return failed.Status == 403
            && (failed.ErrorCode is null
                || failed.Message.Contains(Signature, StringComparison.OrdinalIgnoreCase)
                || (failed.GetRawResponse()?.ReasonPhrase?.Contains(Signature, StringComparison.OrdinalIgnoreCase) ?? false));
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }
}
