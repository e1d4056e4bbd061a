# bash completion for anidb(1)
_anidb() {
    local cur prev words cword
    _init_completion || return

    local global="-c --config --server --cache-dir -u --username --client-name --client-version -q --quiet -v --verbose -h --help -V --version"
    local commands="hash check identify mylist rename cache config session watch anime episode group queue"
    local select="-r --recursive --all-files --include --exclude --no-cache -j --jobs --io-jobs-per-device"
    local tags="anime anime_romaji anime_english anime_kanji episode epno episode_title episode_english episode_romaji episode_kanji aired group group_short version vcodec acodec audio_languages sub_languages resolution quality source type year file_id anime_id episode_id group_id crc32 ed2k md5 sha1 size ext original"

    case $prev in
        -c|--config|--undo-log|--update) _filedir; return ;;
        --cache-dir|--move-to|--dest) _filedir -d; return ;;
        --then) COMPREPLY=($(compgen -W "mylist-add rename mylist-add,rename none" -- "$cur")); return ;;
        -a|--algorithm) COMPREPLY=($(compgen -W "ed2k crc32 md5 sha1 tth all ed2k-blue" -- "$cur")); return ;;
        -f|--format)
            if [[ " ${words[*]} " == *" identify "* ]]; then
                COMPREPLY=($(compgen -W "text json jsonl csv" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "text json jsonl csv sfv ed2k bsd" -- "$cur"))
            fi
            return ;;
        --state) COMPREPLY=($(compgen -W "hdd cd deleted remote unknown" -- "$cur")); return ;;
        --link) COMPREPLY=($(compgen -W "hard soft" -- "$cur")); return ;;
        -t|--template)
            # Template tags after '{' (also '{?tag:' sections).
            if [[ $cur == *\{* ]]; then
                local before=${cur%\{*} word=${cur##*\{} mark="" end="}"
                [[ $word == \?* ]] && mark="?" && end=":" && word=${word#\?}
                compopt -o nospace
                COMPREPLY=($(compgen -P "$before{$mark" -S "$end" -W "$tags" -- "$word"))
            fi
            return ;;
        --server|-u|--username|--client-name|--client-version|--include|--exclude|-j|--jobs|\
        --io-jobs-per-device|--source|--storage|--other|--settle|--scan-interval|--date|--lang|--limit) return ;;
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
                COMPREPLY=($(compgen -W "$select -a --algorithm -f --format --update $global" -- "$cur"))
            else _filedir; fi ;;
        check)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--embedded -r --recursive --all-files --include --exclude --use-cache -j --jobs --io-jobs-per-device $global" -- "$cur"))
            else _filedir; fi ;;
        identify)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$select --refresh -f --format $global" -- "$cur"))
            else _filedir; fi ;;
        mylist)
            if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "add show remove watched" -- "$cur"))
            elif [[ $cur == -* ]]; then
                case $sub in
                    add) COMPREPLY=($(compgen -W "$select --refresh --state --watched --watched= --unwatched --source --storage --other --edit $global" -- "$cur")) ;;
                    watched) COMPREPLY=($(compgen -W "$select --refresh --date --unwatched $global" -- "$cur")) ;;
                    *) COMPREPLY=($(compgen -W "$select --refresh $global" -- "$cur")) ;;
                esac
            else _filedir; fi ;;
        queue)
            if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "run clear" -- "$cur"))
            elif [[ $sub == run ]]; then COMPREPLY=($(compgen -W "--all $global" -- "$cur"))
            elif [[ $sub == clear ]]; then COMPREPLY=($(compgen -W "--failed $global" -- "$cur")); fi ;;
        anime)
            if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "show search titles" -- "$cur"))
            elif [[ $sub == search && $cur == -* ]]; then COMPREPLY=($(compgen -W "--lang --limit --offline $global" -- "$cur"))
            elif [[ $sub == titles ]]; then COMPREPLY=($(compgen -W "--update --force $global" -- "$cur")); fi ;;
        episode|group) [[ -z $sub ]] && COMPREPLY=($(compgen -W "show" -- "$cur")) ;;
        rename)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$select --refresh -t --template -n --dry-run --move-to --related --link --copy --delete-empty-dirs --undo-log $global" -- "$cur"))
            else _filedir; fi ;;
        watch)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--settle --then --state -t --template --dest --scan-interval --scan --undo-log --status $global" -- "$cur"))
            else _filedir -d; fi ;;
        cache) [[ -z $sub ]] && COMPREPLY=($(compgen -W "stats clear vacuum" -- "$cur")) ;;
        session) [[ -z $sub ]] && COMPREPLY=($(compgen -W "status logout" -- "$cur")) ;;
        config)
            if [[ -z $sub ]]; then
                COMPREPLY=($(compgen -W "init get set unset list path" -- "$cur"))
            elif [[ $sub == init ]]; then
                COMPREPLY=($(compgen -W "--force" -- "$cur"))
            elif [[ $sub == get || $sub == set || $sub == unset ]]; then
                COMPREPLY=($(compgen -W "username password api_key encrypt server client_name client_version local_port timeout_ms retries give_up_ms cache_dir cache_enabled titles_url jobs io_jobs_per_device include exclude watch_dirs watch_settle watch_then watch_state watch_template watch_dest watch_scan_interval" -- "$cur"))
            fi ;;
    esac
}
complete -F _anidb anidb
