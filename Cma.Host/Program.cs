using Cma.Host.Cli;

return CmaCli.Run(args, CliConsole.ForProcess());
