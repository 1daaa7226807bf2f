using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Pipeline.Stages.Images;

namespace MlNetBatch.Tests.Images;

/// <summary>The image stages chained the ML.NET way, with <c>Append</c>, then fitted once.</summary>
public class ImageEstimatorChainTests
{
    [Fact]
    public void Image_stages_appended_into_one_estimator_chain_fit_and_give_the_tensor_shape()
    {
        using var dir = new Support.TempDirectory();
        ImageFolders.WriteScenes(dir.Path, 2, 10, 8);
        var ml = new MLContext();
        var images = ml.Data.LoadImages(dir.Path);

        var chain = ml.Transforms.DecodeImage()
            .Append(ml.Transforms.ResizeImage("resized", 4, 4))
            .Append(ml.Transforms.ImageToTensor("pixels", "resized"));
        var pixels = chain.Fit(images).Transform(images);

        Assert.Equal(48, ((Microsoft.ML.Data.VectorDataViewType)pixels.Schema["pixels"].Type).Size);
    }

    [Fact]
    public void A_chain_with_colour_conversion_fits_and_one_feeding_the_encoded_bytes_to_ToTensor_fails_before_fitting_with_one_line()
    {
        using var dir = new Support.TempDirectory();
        ImageFolders.WriteScenes(dir.Path, 2, 10, 8);
        var ml = new MLContext();
        var images = ml.Data.LoadImages(dir.Path);

        var gray = ml.Transforms.DecodeImage()
            .Append(ml.Transforms.ResizeImage("resized", 4, 4))
            .Append(ml.Transforms.ConvertImageColor("gray", "resized", ImageColor.Gray))
            .Append(ml.Transforms.ImageToTensor("pixels", "gray"))
            .Fit(images).Transform(images);
        Assert.Equal(16, ((Microsoft.ML.Data.VectorDataViewType)gray.Schema["pixels"].Type).Size);

        var wrong = ml.Transforms.DecodeImage().Append(ml.Transforms.ImageToTensor("pixels", "bytes"));
        var error = Assert.Throws<MlNetBatch.Pipeline.BlockTransformException>(() => wrong.Fit(images));
        Assert.Equal("ToTensor: column 'bytes' is not a resized image; ToTensor takes the output of Resize (a fixed-size byte vector of [height, width, channels]).", error.Message);
    }
}
