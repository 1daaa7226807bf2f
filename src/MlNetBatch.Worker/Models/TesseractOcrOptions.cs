namespace MlNetBatch.Worker.Models;

/// <summary>How <see cref="TesseractOcrModel"/> runs the <c>tesseract</c> command line.</summary>
public sealed class TesseractOcrOptions
{
    /// <summary>The executable: a name found on <c>PATH</c>, or a full path (on Windows, e.g. <c>C:\Program Files\Tesseract-OCR\tesseract.exe</c>).</summary>
    /// <value>The default is <c>tesseract</c>.</value>
    public string Executable { get; set; } = "tesseract";

    /// <summary>The language(s) of the text, as tesseract's <c>-l</c> takes them (<c>eng</c>, <c>eng+deu</c>).</summary>
    /// <value>The default is <c>eng</c>.</value>
    public string Language { get; set; } = "eng";

    /// <summary>Tesseract's page segmentation mode (<c>--psm</c>): 3 for a page or screenshot, 7 for one line of text.</summary>
    /// <value>The default is 3 (automatic page segmentation).</value>
    public int PageSegmentationMode { get; set; } = 3;

    /// <summary>How long one image may take before its process is stopped and the row is set aside.</summary>
    /// <value>The default is one minute.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(1);
}
