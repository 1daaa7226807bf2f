<#
.SYNOPSIS
    Installs (or with -Uninstall removes) the MlNetBatch worker as a Windows service.

.DESCRIPTION
    Does what 'MlNetBatch.Worker.exe service install --windows' prints, from an elevated PowerShell (Windows
    PowerShell 5.1 or PowerShell 7):
      - New-Service with the executable quoted (a path with spaces) and, when given, --config;
      - a delayed automatic start (sc.exe config start= delayed-auto: New-Service's AutomaticDelayedStart needs PowerShell 6+);
      - the service's virtual account NT SERVICE\MlNetBatch (or -Account), which holds only the rights granted below;
      - recovery: restart after 5 s, 5 s, then 60 s, the failure count reset after a day, also when the worker exits
        with a failure code (sc.exe failure ... actions= and sc.exe failureflag 1, as systemd's Restart=on-failure);
      - the Application event-log source MlNetBatch (the service records its starts, stops and failures there);
      - modify rights for the account on the folders the jobs write (-WritableDirectory: the jobs' Sink:Path folders
        and the log folder; 'service install --windows' lists them from the configuration).
    The worker's own log goes to the File sink configured in appsettings.json (logs\ under the install folder by default).

.EXAMPLE
    dotnet publish src\MlNetBatch.Worker -c Release -r win-x64 -o "C:\Program Files\MlNetBatch"
    .\config\install-mlnetbatch.ps1 -Config C:\ProgramData\MlNetBatch\jobs.json -WritableDirectory D:\scores, "C:\Program Files\MlNetBatch\logs"
#>
[CmdletBinding()]
param(
    [string] $Prefix = 'C:\Program Files\MlNetBatch',
    [string] $Config,
    [string] $Account,
    [string[]] $WritableDirectory = @(),
    [switch] $Uninstall
)

$ErrorActionPreference = 'Stop'
$name = 'MlNetBatch'

function Invoke-Sc {
    & sc.exe @args
    if ($LASTEXITCODE -ne 0) { throw "sc.exe $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

if ($Uninstall) {
    if (Get-Service -Name $name -ErrorAction SilentlyContinue) {
        Stop-Service -Name $name -ErrorAction SilentlyContinue
        Invoke-Sc delete $name
    }
    if ([System.Diagnostics.EventLog]::SourceExists($name)) { [System.Diagnostics.EventLog]::DeleteEventSource($name) }
    Write-Host "Removed the $name service; the jobs' output and logs are kept."
    return
}

$exe = Join-Path $Prefix 'MlNetBatch.Worker.exe'
if (-not (Test-Path $exe)) { throw "No published worker at ${exe}: publish it first (dotnet publish src\MlNetBatch.Worker -c Release -r win-x64 -o `"$Prefix`")." }

# The service's command line: the executable in quotes, so that a path with spaces is one program.
$binaryPath = "`"$exe`""
if ($Config) { $binaryPath += " --config `"$((Resolve-Path $Config).Path)`"" }
$serviceAccount = if ($Account) { $Account } else { "NT SERVICE\$name" }

New-Service -Name $name -BinaryPathName $binaryPath -DisplayName 'MlNetBatch batch inference worker' `
    -Description 'Runs the MlNetBatch batch-inference jobs on their schedules.' -StartupType Automatic | Out-Null
Invoke-Sc config $name start= delayed-auto obj= $serviceAccount
Invoke-Sc failure $name reset= 86400 actions= restart/5000/restart/5000/restart/60000
Invoke-Sc failureflag $name 1

if (-not [System.Diagnostics.EventLog]::SourceExists($name)) {
    [System.Diagnostics.EventLog]::CreateEventSource($name, 'Application')
}

foreach ($directory in $WritableDirectory) {
    New-Item -ItemType Directory -Force -Path $directory | Out-Null
    & icacls.exe $directory /grant "${serviceAccount}:(OI)(CI)M" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls $directory failed with exit code $LASTEXITCODE" }
}

Start-Service -Name $name
Get-Service -Name $name
Write-Host "Logs: the File sink of appsettings.json (logs\ under $Prefix by default); service events: Get-EventLog -LogName Application -Source $name"
