namespace DeiT.Tuning.Training.Augment;

/// <summary>torchvision RandomCrop(size, padding) with zero padding: a random h×w window of the padded image.</summary>
public sealed class RandomCropWithPadding(int padding) : IPixelAugmentation
{
    public string Name => $"RandomCrop(pad {padding})";

    public void Apply(Span<byte> chw, int c, int h, int w, Random rng)
    {
        int top = rng.Next(0, 2 * padding + 1) - padding;    // offset of the window in original coordinates
        int left = rng.Next(0, 2 * padding + 1) - padding;
        if (top == 0 && left == 0) return;
        Shift(chw, c, h, w, top, left);
    }

    /// <summary>out[y, x] = in[y + dy, x + dx], zero outside.</summary>
    public static void Shift(Span<byte> chw, int c, int h, int w, int dy, int dx)
    {
        int plane = h * w;
        for (int ch = 0; ch < c; ch++)
        {
            var p = chw.Slice(ch * plane, plane);
            // Walk rows so each source row is read before it is overwritten.
            bool down = dy < 0;
            for (int k = 0; k < h; k++)
            {
                int y = down ? h - 1 - k : k;
                int sy = y + dy;
                var dst = p.Slice(y * w, w);
                if (sy < 0 || sy >= h) { dst.Clear(); continue; }
                var src = p.Slice(sy * w, w);
                if (dx >= 0)
                {
                    int n = Math.Max(0, w - dx);
                    for (int x = 0; x < n; x++) dst[x] = src[x + dx];
                    dst[n..].Clear();
                }
                else
                {
                    int n = Math.Max(0, w + dx);
                    for (int x = w - 1; x >= w - n; x--) dst[x] = src[x + dx];
                    dst[..(w - n)].Clear();
                }
            }
        }
    }
}
