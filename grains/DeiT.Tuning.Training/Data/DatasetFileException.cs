namespace DeiT.Tuning.Training.Data;

/// <summary>A dataset file is missing, truncated or not in the expected format; the message names the file.</summary>
public sealed class DatasetFileException(string message, Exception? inner = null) : IOException(message, inner);
