Console.Error.WriteLine("deit-tune-silo: not yet configured");
return 1;
