using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Functions;

namespace MlNetBatch.Worker.Models;

/// <summary>
/// OCR as a batch model: runs the <c>tesseract</c> command line once per image, the way pytesseract does, on the
/// encoded image bytes of the <c>bytes</c> column (PNG, JPEG, BMP, TIFF: what Leptonica decodes), and returns the
/// recognised <c>text</c>. Registered in the worker as <c>tesseract</c>; the model's <c>MaxConcurrency</c> bounds the
/// processes running at once.
/// </summary>
/// <remarks>
/// Needs tesseract 5 with its language data on the machine: <c>apt-get install tesseract-ocr tesseract-ocr-eng</c>
/// on Debian or Ubuntu; on Windows the UB Mannheim installer, with <see cref="TesseractOcrOptions.Executable"/> set to
/// its <c>tesseract.exe</c>. An image tesseract cannot read is a bad record of the job, not a failure of it.
/// </remarks>
public sealed class TesseractOcrModel(IOptions<TesseractOcrOptions> options) : IBatchModel
{
    /// <summary>The input column: the encoded image.</summary>
    public const string BytesColumn = "bytes";

    /// <summary>The output column: the recognised text, lines separated by <c>\n</c>.</summary>
    public const string TextColumn = "text";

    private readonly TesseractOcrOptions _options = options.Value;

    /// <inheritdoc />
    /// <remarks>The language and page segmentation change the text read; the executable and timeout do not.</remarks>
    public string Version => $"{_options.Language}|psm {_options.PageSegmentationMode.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public BatchModelSignature Signature { get; } = new(
        [new BatchModelColumn(BytesColumn, new VectorDataViewType(NumberDataViewType.Byte))],
        [new BatchModelColumn(TextColumn, TextDataViewType.Instance)]);

    /// <inheritdoc />
    public async ValueTask ScoreAsync(ModelBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var images = batch.Input<VariableVectorColumnBuffer<byte>>(BytesColumn);
        var texts = batch.Output<TextColumnBuffer>(TextColumn);
        // The images of one call run one after another: the engine's limit on calls at once is the limit on processes.
        for (var row = 0; row < batch.RowCount; row++)
        {
            var image = images.Values[row];
            if (image.Length == 0)
            {
                batch.Fail(row, "the image is empty (0 bytes)");
                continue;
            }

            var (text, error) = await RecognizeAsync(image, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                batch.Fail(row, error);
            }
            else
            {
                texts.Set(row, text.AsMemory());
            }
        }
    }

    /// <summary>Runs tesseract on one encoded image, fed through stdin; returns the text, or why there is none.</summary>
    private async Task<(string Text, string? Error)> RecognizeAsync(VBuffer<byte> image, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_options.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // tesseract writes UTF-8 whatever the console's code page (not UTF-8 on most Windows machines).
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in (string[])["stdin", "stdout", "-l", _options.Language, "--psm", _options.PageSegmentationMode.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        // Tesseract's OpenMP threads would fight the other processes for the cores: one image, one thread.
        start.Environment["OMP_THREAD_LIMIT"] = "1";
        using var process = StartProcess(start);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var length = image.GetValues().Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            image.GetValues().CopyTo(buffer);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(buffer.AsMemory(0, length), timeout.Token).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var text = await output.ConfigureAwait(false);
            var stderr = await errors.ConfigureAwait(false);
            return process.ExitCode == 0
                ? (Clean(text), null)
                : (string.Empty, $"tesseract exited with code {process.ExitCode}: {FirstLine(stderr)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Stop(process);
            return (string.Empty, $"tesseract took longer than {_options.Timeout} and was stopped");
        }
        catch (IOException e)
        {
            // Tesseract closes its input early when it cannot decode the image.
            Stop(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (string.Empty, $"tesseract could not read the image: {e.Message}");
        }
        catch
        {
            Stop(process);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Process StartProcess(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new ModelException($"'{_options.Executable}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new ModelException(
                $"The tesseract command line '{_options.Executable}' could not be started ({e.Message}); install it (apt-get install tesseract-ocr tesseract-ocr-eng) or set its full path.", e);
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    /// <summary>Tesseract ends a page with a form feed and blank lines; the text is the lines, trimmed.</summary>
    private static string Clean(string text) => string.Join('\n', text.Replace('\f', '\n')
        .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static string FirstLine(string text)
    {
        var line = text.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).ToString();
    }
}
