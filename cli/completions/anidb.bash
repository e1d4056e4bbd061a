# bash completion for anidb(1)
_anidb() {
    local cur prev words cword
    _init_completion || return

    local global="-c --config --server --cache-dir -u --username --client-name --client-version -q --quiet -v --verbose -h --help -V --version"
    local commands="hash check identify mylist rename cache config session"
    local select="-r --recursive --all-files --include --exclude --no-cache -j --jobs --io-jobs-per-device"

    case $prev in
        -c|--config|--undo-log) _filedir; return ;;
        --cache-dir|--move-to) _filedir -d; return ;;
        -a|--algorithm) COMPREPLY=($(compgen -W "ed2k crc32 md5 sha1 tth all" -- "$cur")); return ;;
        -f|--format)
            if [[ " ${words[*]} " == *" identify "* ]]; then
                COMPREPLY=($(compgen -W "text json jsonl csv" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "text json jsonl csv sfv ed2k bsd" -- "$cur"))
            fi
            return ;;
        --state) COMPREPLY=($(compgen -W "hdd cd deleted remote unknown" -- "$cur")); return ;;
        --server|-u|--username|--client-name|--client-version|--include|--exclude|-j|--jobs|\
        --io-jobs-per-device|-t|--template|--source|--storage|--other) return ;;
    esac

    local cmd="" sub="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd=${words[i]}; elif [[ -z $sub ]]; then sub=${words[i]}; fi ;;
        esac
    done

    case $cmd in
        "") COMPREPLY=($(compgen -W "$commands $global" -- "$cur")) ;;
        hash)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$select -a --algorithm -f --format $global" -- "$cur"))
            else _filedir; fi ;;
        check)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--use-cache -j --jobs --io-jobs-per-device $global" -- "$cur"))
            else _filedir; fi ;;
        identify)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$select -f --format $global" -- "$cur"))
            else _filedir; fi ;;
        mylist)
            if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "add" -- "$cur"))
            elif [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$select --state --watched --unwatched --source --storage --other --edit $global" -- "$cur"))
            else _filedir; fi ;;
        rename)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$select -t --template -n --dry-run --move-to --related --undo-log $global" -- "$cur"))
            else _filedir; fi ;;
        cache) [[ -z $sub ]] && COMPREPLY=($(compgen -W "stats clear vacuum" -- "$cur")) ;;
        session) [[ -z $sub ]] && COMPREPLY=($(compgen -W "status logout" -- "$cur")) ;;
        config)
            if [[ -z $sub ]]; then
                COMPREPLY=($(compgen -W "init get set unset list path" -- "$cur"))
            elif [[ $sub == init ]]; then
                COMPREPLY=($(compgen -W "--force" -- "$cur"))
            elif [[ $sub == get || $sub == set || $sub == unset ]]; then
                COMPREPLY=($(compgen -W "username password api_key encrypt server client_name client_version local_port timeout_ms retries give_up_ms cache_dir cache_enabled jobs io_jobs_per_device include exclude" -- "$cur"))
            fi ;;
    esac
}
complete -F _anidb anidb
