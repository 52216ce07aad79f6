using System.Text.Json;
using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Tests.Data;

namespace DeiT.Tuning.Training.Tests.Augment;

/// <summary>
/// Decode, resized crop and the evaluation crop against torchvision 0.14 + PIL 9.4 (Augment/CropFixtures, written by
/// make_crop_fixtures.py). Decoding uses the same libjpeg-turbo with the same settings and PilResize repeats Pillow's
/// fixed-point arithmetic, so the tolerance is zero: every byte equal.
/// </summary>
public class CropFixtureTests
{
    private static readonly string Folder = Path.Combine(DataTestFiles.RepoRoot, "tests", "DeiT.Tuning.Training.Tests", "Augment", "CropFixtures");

    private static readonly JsonElement Manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement;

    public static TheoryData<string> Images() => [.. Manifest.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("name").GetString()!)];

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, Manifest.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Images))]
    public void Decoded_pixels_equal_PIL_s(string name)
    {
        using var image = Decode(name);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Folder, name + ".decoded.rgb")), image.Pixels.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Crop_and_resize_equal_torchvision_s_bytes(int index)
    {
        var c = Manifest.GetProperty("cases")[index];
        int size = Manifest.GetProperty("size").GetInt32();
        using var image = Decode(c.GetProperty("image").GetString()!);
        var chw = new byte[3 * size * size];
        if (c.GetProperty("kind").GetString() == "eval")
            new ResizeCenterCrop(c.GetProperty("crop_pct").GetDouble()).Apply(image, chw, size, null);
        else
        {
            var box = c.GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            PilResize.Bicubic(image, box[0], box[1], box[2], box[3], chw, size, size);
        }
        var expected = File.ReadAllBytes(Path.Combine(Folder, c.GetProperty("expected").GetString()!));
        Assert.Equal(expected, ToHwc(chw, size));
    }

    private static DecodedImage Decode(string name) => ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(Folder, name)), name);

    private static byte[] ToHwc(byte[] chw, int size)
    {
        int plane = size * size;
        var hwc = new byte[chw.Length];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) hwc[3 * i + c] = chw[c * plane + i];
        return hwc;
    }
}
