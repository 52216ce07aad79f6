using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DeiT.Tuning.Training.Data;

/// <summary>Encoded image bytes to RGB: JPEG through libjpeg-turbo, anything it refuses (PNG, CMYK JPEG) through ImageSharp.</summary>
public static class ImageDecoder
{
    /// <param name="source">where the bytes came from, for error messages.</param>
    public static DecodedImage Decode(ReadOnlySpan<byte> encoded, string source)
    {
        if (IsJpeg(encoded) && TurboJpeg.TryDecode(encoded) is { } jpeg) return jpeg;
        Image<Rgb24> image;
        try { image = Image.Load<Rgb24>(encoded); }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new DatasetFileException($"{source}: not a readable JPEG/PNG image ({e.Message}).", e);
        }
        using (image)
        {
            var decoded = new DecodedImage(image.Width, image.Height);
            image.CopyPixelDataTo(decoded.Pixels);
            return decoded;
        }
    }

    private static bool IsJpeg(ReadOnlySpan<byte> bytes) => bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}
