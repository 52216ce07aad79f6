using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DeiT.Tuning.Training.Tests.Augment;

/// <summary>PNG ↔ uint8 CHW through ImageSharp (gray as 1 channel, RGB as 3).</summary>
internal static class PngImages
{
    public static (byte[] Chw, int Height, int Width) Read(string path, int channels)
    {
        if (channels == 1)
        {
            using var gray = Image.Load<L8>(path);
            var chw = new byte[gray.Width * gray.Height];
            for (int y = 0; y < gray.Height; y++)
                for (int x = 0; x < gray.Width; x++) chw[y * gray.Width + x] = gray[x, y].PackedValue;
            return (chw, gray.Height, gray.Width);
        }
        using var rgb = Image.Load<Rgb24>(path);
        int plane = rgb.Width * rgb.Height;
        var data = new byte[3 * plane];
        for (int y = 0; y < rgb.Height; y++)
            for (int x = 0; x < rgb.Width; x++)
            {
                var p = rgb[x, y];
                int at = y * rgb.Width + x;
                data[at] = p.R;
                data[plane + at] = p.G;
                data[2 * plane + at] = p.B;
            }
        return (data, rgb.Height, rgb.Width);
    }
}
